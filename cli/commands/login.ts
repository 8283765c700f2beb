import { CliError, exitCodes, usageError } from '../CliError';
import { noExtraPositionals, printJson, stringFlag, type CommandSpec } from '../Command';
import { ApiClient } from '../ApiClient';
import { findLocalKeys, normalizeUrl } from '../config/resolveConnection';
import { readProfiles, writeProfiles, type Profile } from '../config/profiles';
import { ask } from '../prompt';

const USAGE = 'login [--profile NAME] --url URL [--function-key KEY] [--api-key KEY] [--no-verify]';

export const loginCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Saves a target as a named profile (default name: default) in $XDG_CONFIG_HOME/rcm/config.json (~/.config/rcm/config.json; file mode 0600) and makes it the current one. Keys come from the flags, RCM_FUNCTION_KEY / RCM_API_KEY, the local `npm start` keys for a local URL, or a prompt on a terminal. The target is checked with one reader call before it is saved.',
  options: {
    'no-verify': { type: 'boolean', description: 'save without calling the API' },
  },
  examples: ['rcm login --profile prod --url https://rcm-prod.azurewebsites.net', 'rcm login --profile local --url http://localhost:7071'],
  async run(ctx) {
    noExtraPositionals(ctx, 0, USAGE);
    const name = stringFlag(ctx.flags, 'profile') ?? 'default';
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw usageError(`profile name '${name}' must be letters, digits, _ . - (at most 64)`);
    const rawUrl = stringFlag(ctx.flags, 'url') ?? ctx.env.RCM_URL;
    if (rawUrl === undefined) throw usageError('missing --url', `Usage: rcm ${USAGE}`);
    const url = normalizeUrl(rawUrl);
    const local = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(url) ? findLocalKeys(ctx.env) : undefined;
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
    const key = async (flag: string, envName: string, fromLocal: string | undefined, what: string): Promise<string | undefined> => {
      const given = stringFlag(ctx.flags, flag) ?? (ctx.env[envName] || undefined) ?? fromLocal;
      if (given !== undefined || !interactive) return given;
      const typed = await ask(`${what} (empty for none, not echoed): `, { secret: true });
      return typed === '' ? undefined : typed;
    };
    const functionKey = await key('function-key', 'RCM_FUNCTION_KEY', local?.functionKey, 'Function key (x-functions-key)');
    const apiKey = await key('api-key', 'RCM_API_KEY', local?.apiKey, 'API key (x-api-key)');
    const profile: Profile = { url, ...(functionKey ? { functionKey } : {}), ...(apiKey ? { apiKey } : {}) };
    if (ctx.flags['no-verify'] !== true) {
      const client = new ApiClient({ baseUrl: url, functionKey, apiKey, source: { url: 'flag', functionKey: 'login', apiKey: 'login' } });
      try {
        await client.get('/api/clusters');
      } catch (err) {
        if (err instanceof CliError) throw new CliError(err.exitCode, err.title, `${err.message}; profile '${name}' was not saved`, { ...(err.code ? { code: err.code } : {}), fields: err.fields, hint: err.hint ?? 'Use --no-verify to save it anyway.' });
        throw err;
      }
    }
    const file = readProfiles(ctx.env);
    file.profiles[name] = profile;
    file.current = name;
    const path = writeProfiles(ctx.env, file);
    if (ctx.json) return printJson(ctx, { profile: name, url, file: path, functionKey: functionKey !== undefined, apiKey: apiKey !== undefined });
    ctx.out.line(`Saved profile '${name}' (${url}${local && functionKey === local.functionKey ? ', keys of the local npm start' : ''}) in ${path}; it is now the current profile.`);
    if (!functionKey || !apiKey) ctx.out.err(`Note: no ${!functionKey ? 'function key' : 'API key'} saved; calls will send none.`);
    return exitCodes.ok;
  },
};
