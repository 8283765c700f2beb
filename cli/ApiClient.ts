import type { Problem } from '../shared/platform/http/problem';
import { CliError, exitCodes, type ExitCode } from './CliError';
import type { Connection } from './config/resolveConnection';

/** One answer of the admin API. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** Options of one call. */
export interface CallOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Statuses that are answers, not errors (e.g. 409 for a finished job). @default only 2xx */
  accept?: readonly number[];
  /** @default 30000 */
  timeoutMs?: number;
}

/** Which exit code an HTTP status maps to (docs/cli.md "Exit codes"). */
export function exitCodeOf(status: number): ExitCode {
  if (status === 401 || status === 403) return exitCodes.auth;
  if (status === 404) return exitCodes.notFound;
  if (status === 409 || status === 412) return exitCodes.conflict;
  if (status === 503 || status === 502 || status === 504 || status === 429) return exitCodes.unavailable;
  if (status >= 400 && status < 500) return exitCodes.usage;
  return exitCodes.failure;
}

/**
 * The admin API over HTTP (fetch): the only way `rcm` reaches a cluster, so roles, audit and the safety rules
 * apply to it as to every client. Non-2xx answers become {@link CliError}s carrying the problem's title,
 * detail, code and fields.
 */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  /** Absolute URL of an API path (`/api/...`). */
  url(path: string): string {
    return `${this.connection.baseUrl}${path}`;
  }

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const url = new URL(this.url(path));
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'user-agent': 'rcm', ...options.headers };
    if (this.connection.functionKey) headers['x-functions-key'] = this.connection.functionKey;
    if (this.connection.apiKey) headers['x-api-key'] = this.connection.apiKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    const text = await res.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (res.ok || options.accept?.includes(res.status)) return { status: res.status, body: body as T, headers: res.headers };
    throw this.problem(res.status, body, method, url.pathname);
  }

  get<T>(path: string, options?: CallOptions): Promise<T> {
    return this.call<T>('GET', path, options).then((a) => a.body);
  }

  private unreachable(err: unknown): CliError {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? 'no answer within the timeout' : (e.cause?.code ?? e.cause?.message ?? e.message);
    const local = /localhost|127\.0\.0\.1/.test(this.connection.baseUrl);
    return new CliError(exitCodes.unavailable, 'Cannot reach the admin API', `${this.connection.baseUrl}: ${reason}`, {
      code: 'api_unreachable',
      hint: local ? 'Is `npm start` running? Point rcm elsewhere with --url, RCM_URL or a profile (`rcm login`).' : 'Check the URL (--url, RCM_URL, profile) and your network.',
    });
  }

  private problem(status: number, body: unknown, method: string, path: string): CliError {
    const p = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem> & { retryAfterMs?: number };
    const exit = exitCodeOf(status);
    const title = `${p.title ?? `HTTP ${status}`} (${status}${p.code ? ` ${p.code}` : ''})`;
    const detail = p.detail ?? (typeof body === 'string' && body !== '' ? body.slice(0, 300) : `${method} ${path}`);
    const hint =
      status === 401
        ? `Send a function key and an API key: --function-key/--api-key, RCM_FUNCTION_KEY/RCM_API_KEY, or \`rcm login\` (function key from ${this.connection.source.functionKey}, API key from ${this.connection.source.apiKey}).`
        : status === 403
          ? 'Your API key lacks the role for this; ask for an operator or admin key.'
          : undefined;
    return new CliError(exit, title, detail, { ...(p.code ? { code: p.code } : {}), fields: p.errors ?? [], ...(hint ? { hint } : {}) });
  }
}
