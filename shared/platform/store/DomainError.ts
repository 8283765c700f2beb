/**
 * Errors the control plane raises on purpose. Each carries a stable `code` (part of the API: clients branch on
 * it) and, when one input is at fault, the offending `field`. Messages never contain secret values.
 * `shared/platform/http/problemFromError.ts` maps each kind to an HTTP status; services never think in status codes.
 */
export type DomainErrorKind =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'payload_too_large'
  | 'unprocessable'
  | 'unsupported_media_type';

/** One problem with one input field, as listed in a problem+json `errors` array. */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Type guard usable across module copies (checks shape, not prototype). */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export const validationError = (code: string, message: string, errors: readonly FieldError[] = []) =>
  new DomainError('validation', code, message, errors);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const preconditionFailed = (message: string) => new DomainError('precondition_failed', 'precondition_failed', message);
export const unauthorized = (code: string, message: string) => new DomainError('unauthorized', code, message);
export const forbidden = (message: string) => new DomainError('forbidden', 'forbidden', message);
export const unavailable = (code: string, message: string) => new DomainError('unavailable', code, message);

/** Turns anything caught into an `Error` (a thrown string or object keeps its text, not its identity). */
export function ensureError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(typeof error === 'string' ? error : JSON.stringify(error) ?? String(error));
}
