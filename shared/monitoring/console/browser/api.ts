/**
 * The console's calls to the admin API: the same routes and roles as any client, with the user's credential from
 * session storage (never a URL query, never logged): the API key as `x-api-key`, or after "Sign in with Microsoft"
 * the Entra access token as `Authorization: Bearer` (API Management validates it in Azure). A refusal becomes an `ApiProblem` carrying the problem+json.
 */

import { apiBase } from './apiBase';

const apiKeyItem = 'rcm-api-key';

/** A non-2xx answer: the problem+json's fields, shown to the user as they are. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: ReadonlyArray<{ field: string; message: string }> = [],
  ) {
    super(`${status} ${code}${detail ? `: ${detail}` : ''}`);
  }
}

/** Where the API is: the page's parent path (`/api` on the Function App, `/console` through API Management). */
const base = apiBase(location.pathname);
/** The Functions key the page itself was opened with (`?code=`, the Functions convention); empty behind APIM. */
const functionKey = new URLSearchParams(location.search).get('code') ?? '';

/** Where the bearer token comes from while signed in with Entra (null: the API key, if any, is used). */
let bearer: (() => Promise<string | null>) | null = null;

/** Signs the calls with `Authorization: Bearer` from `token` (Entra sign-in), or back to the API key with null. */
export function useBearer(token: (() => Promise<string | null>) | null): void {
  bearer = token;
}

export function storedApiKey(): string | null {
  return sessionStorage.getItem(apiKeyItem);
}

export function storeApiKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(apiKeyItem);
  else sessionStorage.setItem(apiKeyItem, key);
}

export interface ApiAnswer<T> {
  status: number;
  json: T;
  etag: string | null;
}

/** One call. JSON body when `body` is given; `headers` add e.g. `If-Match`. Throws `ApiProblem` for non-2xx. */
export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
  const all: Record<string, string> = { accept: 'application/json', ...headers };
  if (bearer) {
    const token = await bearer();
    if (token === null) throw new ApiProblem(401, 'signed_out', 'Signed out', 'the Microsoft sign-in expired: sign in again');
    all['authorization'] = `Bearer ${token}`;
  } else {
    const key = storedApiKey();
    if (key) all['x-api-key'] = key;
  }
  if (functionKey) all['x-functions-key'] = functionKey;
  if (body !== undefined) all['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers: all, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined; // a proxy's HTML error page: the status still says what happened
  }
  if (!response.ok) {
    const p = (json ?? {}) as { code?: string; title?: string; detail?: string; errors?: Array<{ field: string; message: string }> };
    throw new ApiProblem(response.status, p.code ?? `http_${response.status}`, p.title ?? response.statusText, p.detail ?? '', p.errors ?? []);
  }
  return { status: response.status, json: json as T, etag: response.headers.get('etag') };
}

/** GET returning the JSON body. */
export async function get<T>(path: string): Promise<T> {
  return (await call<T>('GET', path)).json;
}

/** Title and detail of a refusal, as the API said them. */
export function problemText(error: unknown): [string, string] {
  if (error instanceof ApiProblem) return [`${error.title} (${error.status} ${error.code})`, error.detail];
  return ['Request failed', error instanceof Error ? error.message : String(error)];
}
