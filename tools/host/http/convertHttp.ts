import type { HostRequest, HostResponse } from '../core/hostTypes.js';
import type { RpcHttpCookie, RpcHttpData, RpcInvocationResponse, RpcTypedData } from '../core/coreTypes.js';

/** The request as the real host hands it to the worker (RpcHttp), plus the trigger metadata it sends along. */
export function toRpcHttpRequest(
  req: HostRequest,
  params: Record<string, string>,
): { http: RpcHttpData; triggerMetadata: Record<string, RpcTypedData> } {
  const query: Record<string, string> = {};
  for (const key of new Set(req.url.searchParams.keys())) {
    query[key] = req.url.searchParams.getAll(key).join(',');
  }
  const http: RpcHttpData = {
    method: req.method,
    url: req.url.toString(),
    headers: { ...req.headers },
    query,
    params,
    body: req.body.length > 0 ? { bytes: req.body } : null,
  };
  const triggerMetadata: Record<string, RpcTypedData> = {
    Query: { json: JSON.stringify(query) },
    Headers: { json: JSON.stringify(req.headers) },
  };
  for (const [name, value] of Object.entries(params)) triggerMetadata[name] = { string: value };
  return { http, triggerMetadata };
}

function bodyBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (typeof data.string === 'string') return Buffer.from(data.string);
  if (typeof data.json === 'string') return Buffer.from(data.json);
  if (typeof data.int === 'number') return Buffer.from(String(data.int));
  if (typeof data.double === 'number') return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}

export function toSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (typeof seconds === 'number') parts.push(`Expires=${new Date(seconds * 1000).toUTCString()}`);
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite === 'lax') parts.push('SameSite=Lax');
  else if (cookie.sameSite === 'strict') parts.push('SameSite=Strict');
  else if (cookie.sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}

/**
 * Turns the worker's answer into an HTTP response. The HTTP output is the `$return` binding (the default
 * for `app.http`) or a named `http` output binding. No output at all answers 204.
 */
export function fromRpcHttpResponse(response: RpcInvocationResponse, httpOutputName: string | undefined): HostResponse {
  let data: RpcTypedData | null | undefined;
  if (httpOutputName === '$return') data = response.returnValue;
  else if (httpOutputName) data = response.outputData?.find((o) => o.name === httpOutputName)?.data;
  const http = data?.http;
  if (!http) {
    if (data && (data.string !== undefined || data.json !== undefined || data.bytes !== undefined)) {
      return { status: 200, headers: {}, body: bodyBytes(data) };
    }
    return { status: 204, headers: {} };
  }
  const status = Number(http.statusCode ?? 200);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (!/^(transfer-encoding|connection|content-length|keep-alive)$/i.test(name)) headers[name.toLowerCase()] = value;
  }
  const cookies = (http.cookies ?? []).map(toSetCookie);
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return {
    status: Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500,
    headers,
    body: bodyBytes(http.body),
  };
}
