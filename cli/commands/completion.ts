import { usageError } from '../CliError';
import type { CommandSpec, OptionSpec } from '../Command';
import { commandTable, globalOptions } from '../commandTable';

const USAGE = 'completion bash|zsh';

/** What one command completes: sub-commands, flags, and per sub-command the kinds of its positionals. */
interface CommandWords {
  name: string;
  subs: string[];
  flags: string[];
  /** `''` (no sub-command) or a sub-command → its positionals from the usage lines: CLUSTER, NS, `a|b` or other. */
  shapes: Map<string, string[]>;
}

/**
 * Every command's words (loads each command module once). Positional kinds come from the usage lines
 * (`ns set CLUSTER NS …` → after `set`: a cluster id, then a namespace), so a new command's usage is its completion.
 */
function words(): CommandWords[] {
  return Object.entries(commandTable).map(([name, entry]) => {
    const spec = entry.load();
    const subs = spec.subcommands ?? [];
    const shapes = new Map<string, string[]>();
    for (const line of spec.usage) {
      const tokens = line.split(' ').slice(1);
      const sub = subs.includes(tokens[0] ?? '') ? (tokens.shift() as string) : '';
      // `clusters add CLUSTER` names a new cluster: nothing to offer.
      if (!shapes.has(sub)) shapes.set(sub, positionalsOf(tokens).map((k) => (sub === 'add' ? 'NAME' : k)));
    }
    return { name, subs, flags: [...flagsOf(spec.options), ...flagsOf(globalOptions)], shapes };
  });
}

/** The leading positionals of a usage line, up to the first flag or optional part. */
function positionalsOf(tokens: string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (t.startsWith('-') || t.startsWith('[') || t.startsWith('(')) break;
    // Only shell-inert characters reach the script (it is sourced: a quote or `$` from a usage line would run).
    out.push(/^[a-z]+(\|[a-z]+)+$/.test(t) ? t : t.replace(/\.+$/, '').replace(/[^A-Za-z0-9_:.=-]/g, '_'));
  }
  return out;
}

const flagsOf = (options: Record<string, OptionSpec>): string[] => Object.entries(options).flatMap(([f, o]) => [`--${f}`, ...(o.short ? [`-${o.short}`] : [])]);

/** Flags that take a value (their next word is not a positional), over every command (no flag is both kinds). */
function valuedFlags(): string[] {
  const all = [globalOptions, ...Object.values(commandTable).map((e) => e.load().options)];
  const out = new Set<string>();
  for (const options of all) for (const [f, o] of Object.entries(options)) if (o.type === 'string') [`--${f}`, ...(o.short ? [`-${o.short}`] : [])].forEach((w) => out.add(w));
  return [...out];
}

/**
 * The bash script: `source <(rcm completion bash)`. Completes commands, sub-commands and flags; cluster ids (from
 * `rcm clusters ls`) and namespaces (from `rcm ns ls CLUSTER`) where the usage names CLUSTER and NS; the word after a
 * flag that takes a value is left alone (files for `--from-file` / `--warm-plan`). One function serves zsh too.
 */
export async function bashScript(): Promise<string> {
  const all = words();
  const cases = all
    .map((c) => {
      const shapes = [...c.shapes].map(([sub, kinds]) => `${sub || '-'}=${kinds.join(',')}`).join(' ');
      return `    ${c.name}) subs="${c.subs.join(' ')}"; flags="${c.flags.join(' ')}"; shapes="${shapes}" ;;`;
    })
    .join('\n');
  return `# rcm bash completion: source <(rcm completion bash), or save it in /etc/bash_completion.d/rcm
_rcm() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local valued=" ${valuedFlags().join(' ')} "
  local -a pos=()
  local i w
  # The positionals before the cursor: flags and the values of flags that take one are skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$w" == -* ]]; then
      [[ "$valued" == *" $w "* ]] && i=$((i + 1))
      continue
    fi
    pos+=("$w")
  done
  if [[ "$prev" == --from-file || "$prev" == --warm-plan ]]; then
    COMPREPLY=( $(compgen -f -- "$cur") )
    return
  fi
  [[ "$valued" == *" $prev "* ]] && { COMPREPLY=(); return; }
  if [ \${#pos[@]} -eq 0 ]; then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=( $(compgen -W "${flagsOf(globalOptions).join(' ')} --version" -- "$cur") )
    else
      COMPREPLY=( $(compgen -W "${all.map((c) => c.name).join(' ')}" -- "$cur") )
    fi
    return
  fi
  local subs="" flags="" shapes="" sub="-" kinds kind
  case "\${pos[0]}" in
${cases}
    *) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
    return
  fi
  local -a args=("\${pos[@]:1}")
  if [ -n "$subs" ]; then
    if [ \${#args[@]} -eq 0 ]; then
      COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
      return
    fi
    sub="\${args[0]}"
    args=("\${args[@]:1}")
  fi
  kinds=" $shapes "
  kinds="\${kinds#* $sub=}"
  [[ "$kinds" == " $shapes " ]] && return
  kinds="\${kinds%% *},"
  # The kind of the word being completed: the (number of positionals so far + 1)th of the shape.
  for ((i = 0; i < \${#args[@]}; i++)); do kinds="\${kinds#*,}"; done
  kind="\${kinds%%,*}"
  case "$kind" in
    CLUSTER) COMPREPLY=( $(compgen -W "$(rcm clusters ls 2>/dev/null | cut -f1)" -- "$cur") ) ;;
    NS) [ \${#args[@]} -ge 1 ] && COMPREPLY=( $(compgen -W "$(rcm ns ls "\${args[0]}" 2>/dev/null | cut -f1)" -- "$cur") ) ;;
    *'|'*) COMPREPLY=( $(compgen -W "\${kind//|/ }" -- "$cur") ) ;;
  esac
}
complete -F _rcm rcm
`;
}

/**
 * The zsh script: `source <(rcm completion zsh)` in ~/.zshrc. zsh runs the bash function through its bashcompinit
 * (so both shells complete the same words); compinit is only started when it is not already.
 */
export async function zshScript(): Promise<string> {
  return `# rcm zsh completion: add \`source <(rcm completion zsh)\` to ~/.zshrc (after compinit, if you run it)
(( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }
autoload -Uz bashcompinit && bashcompinit
${await bashScript()}`;
}

export const completionCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Prints a completion script: commands, sub-commands, flags, cluster ids (asked from `rcm clusters ls` as you type) and namespaces (from `rcm ns ls CLUSTER`). bash: `source <(rcm completion bash)`; zsh: `source <(rcm completion zsh)` in ~/.zshrc.',
  options: {},
  examples: ['source <(rcm completion bash)', 'rcm completion zsh > ~/.rcm-completion.zsh && echo "source ~/.rcm-completion.zsh" >> ~/.zshrc'],
  async run(ctx) {
    const shell = ctx.positionals[0];
    if (shell === 'bash') ctx.out.line(await bashScript());
    else if (shell === 'zsh') ctx.out.line(await zshScript());
    else throw usageError(shell === undefined ? 'missing shell' : `unsupported shell '${shell}'`, `Usage: rcm ${USAGE}`);
    return 0;
  },
};
