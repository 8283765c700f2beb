import { usageError } from '../CliError';
import { positional, printJson, type CommandContext, type CommandSpec } from '../Command';
import { configPath, readProfiles, writeProfiles } from '../config/profiles';
import { printTable } from '../output/table';

const USAGE = ['profiles ls', 'profiles use NAME', 'profiles rm NAME'];

/** `abcd…wxyz`: enough to tell keys apart, never the key. */
export function maskKey(key: string | undefined): string {
  if (!key) return '-';
  return key.length <= 10 ? '****' : `${key.slice(0, 4)}…${key.slice(-4)}`;
}

export const profilesCommand: CommandSpec = {
  usage: USAGE,
  description: `Saved profiles (rcm login). \`use\` makes one the current profile; \`rm\` deletes one. Keys are shown masked. File: ${'$XDG_CONFIG_HOME/rcm/config.json'}.`,
  subcommands: ['ls', 'use', 'rm'],
  options: {},
  async run(ctx) {
    const sub = ctx.positionals[0] ?? 'ls';
    const file = readProfiles(ctx.env);
    if (sub === 'ls' || sub === 'list') return list(ctx, file);
    const name = positional(ctx, 1, 'NAME', USAGE[1] ?? '');
    if (!file.profiles[name]) throw usageError(`no profile named '${name}'`, `known: ${Object.keys(file.profiles).join(', ') || 'none'}`);
    if (sub === 'use') {
      file.current = name;
      writeProfiles(ctx.env, file);
      ctx.out.line(`Current profile: ${name}.`);
      return 0;
    }
    if (sub === 'rm' || sub === 'remove') {
      delete file.profiles[name];
      if (file.current === name) delete file.current;
      writeProfiles(ctx.env, file);
      ctx.out.line(`Removed profile ${name}.`);
      return 0;
    }
    throw usageError(`unknown sub-command 'profiles ${sub}'`, `Usage: ${USAGE.map((u) => `rcm ${u}`).join(' | ')}`);
  },
};

function list(ctx: CommandContext, file: ReturnType<typeof readProfiles>): number {
  const rows = Object.entries(file.profiles).map(([name, p]) => ({ name, current: name === file.current, url: p.url, functionKey: maskKey(p.functionKey), apiKey: maskKey(p.apiKey) }));
  if (ctx.json) return printJson(ctx, { file: configPath(ctx.env), current: file.current ?? null, profiles: rows });
  printTable(ctx.out, [{ header: '' }, { header: 'PROFILE' }, { header: 'URL' }, { header: 'FUNCTION KEY' }, { header: 'API KEY' }], rows.map((r) => [r.current ? '*' : ' ', r.name, r.url, r.functionKey, r.apiKey]));
  if (rows.length === 0 && ctx.out.isTTY) ctx.out.err('No profiles. Create one: rcm login --profile <name> --url <url>');
  return 0;
}
