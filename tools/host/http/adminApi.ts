import type { RegisteredFunction } from '../core/createCoreApi.js';
import { json, problem, type HostRequest, type HostResponse } from '../core/hostTypes.js';
import { presentedKey, sameKey, type HostKeys } from './keys.js';

export interface FunctionSummary {
  name: string;
  trigger: string;
  route?: string;
  methods?: string[];
  schedule?: string;
}

export interface AdminDeps {
  keys: HostKeys;
  functions: Map<string, RegisteredFunction>;
  summaries: ReadonlyArray<FunctionSummary>;
  /** Starts a non-HTTP function with the admin `input`; undefined when the trigger cannot be run this way. */
  runFunction(fn: RegisteredFunction, input: string | undefined): Promise<unknown> | undefined;
  state(): string;
}

/**
 * The admin API subset: `GET /admin/host/status` (open locally), `GET /admin/functions` and
 * `POST /admin/functions/{name}` (master key), which runs a non-HTTP function now and answers 202.
 */
export function handleAdmin(req: HostRequest, deps: AdminDeps): HostResponse {
  const path = req.url.pathname.replace(/\/+$/, '').toLowerCase();
  if (path === '/admin/host/status') {
    if (req.method !== 'GET') return problem(405, 'MethodNotAllowed', `${req.method} is not allowed`, {}, { allow: 'GET' });
    return json(200, { state: deps.state(), version: '4.x (local host)' });
  }
  const match = /^\/admin\/functions(?:\/([^/]+))?$/.exec(path);
  if (!match) return problem(404, 'NotFound', `No admin API at ${req.url.pathname}`);
  if (!sameKey(presentedKey(req), deps.keys.masterKey)) {
    return problem(401, 'Unauthorized', 'The admin API needs the master key (x-functions-key header or ?code=)');
  }
  const encodedName = match[1];
  if (encodedName === undefined) {
    if (req.method !== 'GET') return problem(405, 'MethodNotAllowed', `${req.method} is not allowed`, {}, { allow: 'GET' });
    return json(200, deps.summaries);
  }
  if (req.method !== 'POST') return problem(405, 'MethodNotAllowed', `${req.method} is not allowed`, {}, { allow: 'POST' });
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return problem(400, 'BadRequest', 'function name is not valid URL encoding');
  }
  const fn = deps.functions.get(name.toLowerCase());
  if (!fn) return problem(404, 'FunctionNotFound', `No function named '${name}'`);

  let input: string | undefined;
  if (req.body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      return problem(400, 'BadRequest', 'request body is not valid JSON');
    }
    const raw = (parsed as { input?: unknown } | null)?.input;
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      return problem(400, 'BadRequest', "property 'input' must be a string");
    }
    input = raw ?? undefined;
  }
  const started = deps.runFunction(fn, input);
  if (!started) {
    return problem(400, 'UnsupportedTrigger', `'${fn.metadata.name}' cannot be run through the admin API; call its HTTP route instead`);
  }
  return { status: 202, headers: {} };
}
