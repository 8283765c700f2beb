import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, exitCodes } from '../CliError';

/** One saved target: the admin API and the two keys it needs. */
export interface Profile {
  url: string;
  functionKey?: string;
  apiKey?: string;
}

/** The config file: named profiles and the one used when none is named. */
export interface ProfileFile {
  current?: string;
  profiles: Record<string, Profile>;
}

/** `$XDG_CONFIG_HOME/rcm/config.json`, else `~/.config/rcm/config.json`; `RCM_CONFIG` names another file. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.RCM_CONFIG) return env.RCM_CONFIG;
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'rcm', 'config.json');
}

/** Reads the profile file; a missing file is an empty one, a broken one an error naming the file. */
export function readProfiles(env: NodeJS.ProcessEnv): ProfileFile {
  const file = configPath(env);
  if (!existsSync(file)) return { profiles: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ProfileFile>;
    return { ...(parsed.current ? { current: parsed.current } : {}), profiles: parsed.profiles ?? {} };
  } catch (err) {
    throw new CliError(exitCodes.usage, 'Config file unreadable', `${file}: ${(err as Error).message}`, { hint: 'Fix or remove the file, then run `rcm login` again.' });
  }
}

/**
 * Writes the profile file with mode 0600 in a 0700 folder (it holds keys). Written to a temporary file and
 * renamed, so a crash never leaves half a file; chmod again in case the file existed with wider permissions.
 */
export function writeProfiles(env: NodeJS.ProcessEnv, data: ProfileFile): string {
  const file = configPath(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}
