import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, exitCodes } from '../CliError';
import { readProfiles } from './profiles';

/** Where and how to call the admin API. */
export interface Connection {
  /** Base URL without `/api` (e.g. `http://localhost:7071`). */
  baseUrl: string;
  functionKey: string | undefined;
  apiKey: string | undefined;
  /** Where each value came from (for error hints), e.g. `flag`, `env RCM_URL`, `profile prod`, `local keys <file>`. */
  source: { url: string; functionKey: string; apiKey: string };
}

/** Connection flags shared by every command. */
export interface ConnectionFlags {
  url?: string | undefined;
  'function-key'?: string | undefined;
  'api-key'?: string | undefined;
  profile?: string | undefined;
}

/** Where `npm start` listens unless told otherwise (tools/start.ts). */
export const DEFAULT_URL = 'http://localhost:7071';

/** Drops a trailing slash and a trailing `/api`, so both `http://h:7071` and `http://h:7071/api/` work. */
export function normalizeUrl(url: string): string {
  let u = url.trim().replace(/\/+$/, '');
  if (u.endsWith('/api')) u = u.slice(0, -4);
  try {
    const parsed = new URL(u);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new CliError(exitCodes.usage, 'Usage error', `'${url}' is not an http(s) URL`, { hint: 'e.g. --url http://localhost:7071 or https://<app>.azurewebsites.net' });
  }
  return u;
}

function isLocal(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
}

/**
 * The keys `npm start` keeps in `.local/keys.json` (`RCM_STATE_DIR` moves `.local`): looked for in
 * RCM_STATE_DIR, the repository this CLI was built from, and the current folder.
 */
export function findLocalKeys(env: NodeJS.ProcessEnv, cwd = process.cwd()): { functionKey?: string; apiKey?: string; file: string } | undefined {
  const candidates = [
    ...(env.RCM_STATE_DIR ? [join(env.RCM_STATE_DIR, 'keys.json')] : []),
    // dist/cli/config → repo root; cli/config under tsx → repo root.
    join(resolve(__dirname, '..', '..', '..'), '.local', 'keys.json'),
    join(resolve(__dirname, '..', '..'), '.local', 'keys.json'),
    join(cwd, '.local', 'keys.json'),
  ];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    try {
      const keys = JSON.parse(readFileSync(file, 'utf8')) as { functionKey?: string; adminApiKey?: string };
      return { ...(keys.functionKey ? { functionKey: keys.functionKey } : {}), ...(keys.adminApiKey ? { apiKey: keys.adminApiKey } : {}), file };
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * Resolves the connection, each value separately, first found wins: flags, environment (RCM_URL,
 * RCM_FUNCTION_KEY, RCM_API_KEY), the profile (--profile, RCM_PROFILE or the file's current one), and, for a
 * local URL, the keys of a local `npm start`.
 */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Connection {
  const file = readProfiles(env);
  const named = flags.profile ?? (env.RCM_PROFILE === '' ? undefined : env.RCM_PROFILE);
  const profileName = named ?? file.current;
  const profile = profileName === undefined ? undefined : file.profiles[profileName];
  if (named !== undefined && profile === undefined) {
    const known = Object.keys(file.profiles);
    throw new CliError(exitCodes.usage, 'Usage error', `no profile named '${named}'`, { hint: known.length ? `known profiles: ${known.join(', ')}` : 'create one with `rcm login --profile <name> --url <url>`' });
  }
  const fromProfile = `profile ${profileName ?? ''}`;
  const pick = (flag: string | undefined, envName: string, fromFile: string | undefined): [string | undefined, string] => {
    if (flag !== undefined && flag !== '') return [flag, 'flag'];
    const e = env[envName];
    if (e !== undefined && e !== '') return [e, `env ${envName}`];
    if (fromFile !== undefined) return [fromFile, fromProfile];
    return [undefined, 'none'];
  };
  const [rawUrl, urlSource] = pick(flags.url, 'RCM_URL', profile?.url);
  const baseUrl = normalizeUrl(rawUrl ?? DEFAULT_URL);
  let [functionKey, functionKeySource] = pick(flags['function-key'], 'RCM_FUNCTION_KEY', profile?.functionKey);
  let [apiKey, apiKeySource] = pick(flags['api-key'], 'RCM_API_KEY', profile?.apiKey);
  if ((functionKey === undefined || apiKey === undefined) && isLocal(baseUrl)) {
    const local = findLocalKeys(env);
    if (local && functionKey === undefined && local.functionKey) [functionKey, functionKeySource] = [local.functionKey, `local keys ${local.file}`];
    if (local && apiKey === undefined && local.apiKey) [apiKey, apiKeySource] = [local.apiKey, `local keys ${local.file}`];
  }
  return { baseUrl, functionKey, apiKey, source: { url: rawUrl === undefined ? 'default' : urlSource, functionKey: functionKeySource, apiKey: apiKeySource } };
}
