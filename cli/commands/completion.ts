import { usageError } from '../CliError';
import type { CommandSpec } from '../Command';
import { commandTable, globalOptions } from '../commandTable';

const USAGE = 'completion bash|zsh';

/** Commands whose first argument (after a sub-command, if any) is a cluster id: completed from `rcm clusters ls`. */
const clusterFirst = ['topology', 'check', 'fix', 'reshard', 'rebalance', 'invalidate', 'warm', 'hygiene', 'analyze', 'hotkeys', 'events', 'alerts', 'streams', 'top'];
const clusterAfterSub = ['ns', 'eviction', 'clusters'];

/** Every command with its sub-commands and flags (loads each command module once). */
function words(): Array<{ name: string; subs: string[]; flags: string[] }> {
  const globals = Object.keys(globalOptions).map((f) => `--${f}`);
  return Object.entries(commandTable).map(([name, entry]) => {
    const spec = entry.load();
    return { name, subs: spec.subcommands ?? [], flags: [...Object.keys(spec.options).map((f) => `--${f}`), ...globals] };
  });
}

/** The bash script: `source <(rcm completion bash)`. */
export async function bashScript(): Promise<string> {
  const all = words();
  const cases = all.map((c) => `    ${c.name}) subs="${c.subs.join(' ')}"; flags="${c.flags.join(' ')}" ;;`).join('\n');
  return `# rcm bash completion: source <(rcm completion bash), or save it in /etc/bash_completion.d/rcm
_rcm() {
  local cur cmd subs flags
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${all.map((c) => c.name).join(' ')} --help --version" -- "$cur") )
    return
  fi
  case "$cmd" in
${cases}
    *) subs=""; flags="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
  elif [ -n "$subs" ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
  elif { [ "$COMP_CWORD" -eq 2 ] && [[ " ${clusterFirst.join(' ')} " == *" $cmd "* ]]; } || { [ "$COMP_CWORD" -eq 3 ] && [[ " ${clusterAfterSub.join(' ')} " == *" $cmd "* ]]; }; then
    COMPREPLY=( $(compgen -W "$(rcm clusters ls 2>/dev/null | cut -f1)" -- "$cur") )
  fi
}
complete -F _rcm rcm
`;
}

/** The zsh script: `source <(rcm completion zsh)` (uses bashcompinit, so both shells complete the same words). */
export async function zshScript(): Promise<string> {
  return `# rcm zsh completion: source <(rcm completion zsh), or put it in a file on $fpath
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${await bashScript()}`;
}

export const completionCommand: CommandSpec = {
  usage: [USAGE],
  description: 'Prints a completion script: commands, sub-commands, flags, and cluster ids (asked from `rcm clusters ls` as you type). bash: `source <(rcm completion bash)`; zsh: `source <(rcm completion zsh)`.',
  options: {},
  examples: ['source <(rcm completion bash)', 'rcm completion zsh > ~/.zsh/rcm-completion.zsh'],
  async run(ctx) {
    const shell = ctx.positionals[0];
    if (shell === 'bash') ctx.out.line(await bashScript());
    else if (shell === 'zsh') ctx.out.line(await zshScript());
    else throw usageError(shell === undefined ? 'missing shell' : `unsupported shell '${shell}'`, `Usage: rcm ${USAGE}`);
    return 0;
  },
};
