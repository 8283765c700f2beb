/** A request as the host's handlers see it, already read from the socket. */
export interface HostRequest {
  method: string;
  url: URL;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HostResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: Buffer | string;
}

/** Error responses of the host: `application/problem+json`, no stack traces, no keys. */
export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HostResponse {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    405: 'Method Not Allowed',
    413: 'Payload Too Large',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
    body: JSON.stringify({ type: 'about:blank', title: titles[status] ?? 'Error', status, code, detail, ...extra }),
  };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HostResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}
