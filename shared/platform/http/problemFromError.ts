import { isDomainError, type DomainErrorKind } from '../store/DomainError';
import { EventStoreCorruptionError } from '../store/EventStoreCorruptionError';
import type { ApiInvocation, ApiResponse } from './ApiRequest';
import { problemResponse } from './problem';
import { statusOf } from '../store/statusOf';
import { isInvalidSettingsError } from '../config/InvalidSettingsError';
import { isStorageUnavailableError } from '../storage/storageDeadline';

const statusByKind: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  unavailable: 503,
};

/**
 * Maps anything thrown by a handler to a problem response. Domain errors are the caller's business and carry their
 * own safe message; everything else is ours: logged with the invocation id, answered with a bare 500 that holds no
 * stack, message or secret.
 */
export function problemFromError(error: unknown, invocation: ApiInvocation): ApiResponse {
  if (isDomainError(error)) {
    const status = statusByKind[error.kind];
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'ApiKey realm="redis-cluster-manager", header="x-api-key"' } : {};
    return problemResponse(status, error.code, error.message, error.errors, headers);
  }
  if (isStorageUnavailableError(error) || isDependencyUnreachable(error)) {
    // Not the caller's fault and not a bug: storage (Azurite / Table Storage) is down, hung or failing. Say so, retryably.
    invocation.error(`storage unavailable in invocation ${invocation.invocationId}:`, error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error));
    return problemResponse(503, 'storage_unavailable', 'the control-plane storage is unreachable; retry later', [], { 'retry-after': '5' });
  }
  if (isInvalidSettingsError(error)) {
    // The deployment's fault, not the caller's and not a bug: say which settings to fix (names only, never values).
    invocation.error(`invalid settings in invocation ${invocation.invocationId}: ${error.message}`);
    return problemResponse(500, 'invalid_settings', `${error.message}; fix the app settings (nothing was changed)`);
  }
  const code = error instanceof EventStoreCorruptionError ? error.code : 'internal_error';
  invocation.error(`unhandled error in invocation ${invocation.invocationId}:`, error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error));
  return problemResponse(500, code, `internal error; quote invocation id ${invocation.invocationId} when reporting it`);
}

/**
 * An Azure SDK `RestError` that never got an answer (connection refused, timeout, DNS) or got a 5xx from the
 * service: the dependency is down, which is a 503 for the caller rather than a 500.
 */
function isDependencyUnreachable(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'RestError') return false;
  const status = statusOf(error);
  return status === undefined || status >= 500;
}
