import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../../tools/local/index';
import { nodeTs, startProcess, type BackgroundProcess } from '../helpers/processes';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { securityKeys } from './securityKeys';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
export type Json = any;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Json;
}

export interface SecurityHost {
  url: string;
  proc: BackgroundProcess;
  /** An admin API call with the function key and the `as` principal's API key (`nobody`: no API key). */
  api(method: string, path: string, options?: { as?: 'admin' | 'operator' | 'reader' | 'nobody'; body?: unknown; headers?: Record<string, string>; functionKey?: boolean }): Promise<Answer>;
  /**
   * `api` for a test's setup steps: a `503` (storage or Redis slow under the load of parallel test files, with
   * `Retry-After`) is retried up to 5 times. Never for the calls a test makes its claims about.
   */
  setup(method: string, path: string, options?: Parameters<SecurityHost['api']>[2]): Promise<Answer>;
  /** A request with exactly this path (no URL normalisation on our side: dot segments go out as written). */
  raw(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<Answer>;
  /** Audit log entries of a cluster (oldest first). */
  events(clusterId: string): Promise<Json[]>;
  stop(): Promise<void>;
}

/** Starts the app (from source) in its own host process on Azurite tables of its own; `settings` add to the defaults. */
export async function startSecurityHost(settings: Record<string, string> = {}): Promise<SecurityHost> {
  const port = await freePort();
  const [node, argv] = nodeTs(join(__dirname, 'hostChild.ts'), String(port));
  const all = {
    AzureWebJobsStorage: azuriteConnectionString(),
    STATE_TABLE_PREFIX: uniqueTableName('sec'),
    API_KEYS: `ada:admin:${securityKeys.admin};otto:operator:${securityKeys.operator};rita:reader:${securityKeys.reader}`,
    ...settings,
  };
  const proc = startProcess(node, argv, { env: { ...process.env, RCM_CHILD_SETTINGS: JSON.stringify(all) } });
  const url = (await proc.waitForOutput(/READY (\S+)/, 60_000))[1] as string;

  const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(`${url}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: Json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      // `request` would resolve `..` itself if given a URL object; a string path is sent as is.
      req.path = path;
      req.on('error', reject);
      req.end(body);
    });

  const api: SecurityHost['api'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.functionKey === false ? {} : { 'x-functions-key': securityKeys.function }) };
    const as = options.as ?? 'admin';
    if (as !== 'nobody') headers['x-api-key'] = securityKeys[as];
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    return raw(method, path, { ...headers, ...options.headers }, body);
  };

  const setup: SecurityHost['setup'] = async (method, path, options) => {
    for (let attempt = 1; ; attempt++) {
      const res = await api(method, path, options);
      if (res.status !== 503 || attempt === 5) return res;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  };

  return {
    url,
    proc,
    api,
    setup,
    raw,
    async events(clusterId) {
      const res = await api('GET', `/api/clusters/${clusterId}/events?limit=200`, { as: 'reader' });
      return ((res.json?.items ?? []) as Json[]).reverse();
    },
    stop: () => proc.stop(),
  };
}

/** Polls until `probe` answers something other than undefined. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
