/**
 * What the toolkit needs of an HTTP request. `@azure/functions`' `HttpRequest` satisfies it structurally, so
 * `shared/` stays free of Functions types and services are testable without a host.
 */
export interface ApiRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  text(): Promise<string>;
}

/** A response; assignable to `HttpResponseInit`. Bodies are pre-serialised so the content type is ours to set. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/** Minimal invocation context (an `InvocationContext` fits). */
export interface ApiInvocation {
  readonly invocationId: string;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}
