import type { FieldError } from '../store/DomainError';
import type { ApiResponse } from './ApiRequest';

/** RFC 9457 problem details, plus our stable `code` and per-field `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldError[];
}

const titles: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  412: 'Precondition Failed', 413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** A problem+json response; `type` is a stable URN per code so clients can branch on either. */
export function problemResponse(status: number, code: string, detail?: string, errors?: readonly FieldError[], headers: Record<string, string> = {}): ApiResponse {
  const problem: Problem = { type: `urn:redis-cluster-manager:problem:${code}`, title: titles[status] ?? 'Error', status, code };
  if (detail) problem.detail = detail;
  if (errors && errors.length > 0) problem.errors = [...errors];
  return { status, headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers }, body: JSON.stringify(problem) };
}
