import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';

/**
 * Thrown when a Table or Blob call got no answer within its deadline (storage hung: Azurite stopped, a network
 * partition) or could not reach storage at all before it. A 503 `storage_unavailable` with `Retry-After` at the API.
 */
export class StorageUnavailableError extends Error {
  readonly code = 'storage_unavailable';

  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`storage gave no answer to ${operation} within ${timeoutMs} ms`);
    this.name = 'StorageUnavailableError';
  }
}

/** Type guard (by name, so it holds across module copies). */
export function isStorageUnavailableError(error: unknown): error is StorageUnavailableError {
  return error instanceof Error && error.name === 'StorageUnavailableError';
}

/** Request bodies above this size get extra time (uploads), one second per MiB. */
const largeBodyBytes = 256 * 1024;

/**
 * A per-call pipeline policy (it runs before the SDK's retry policy): one deadline for the whole call, retries
 * included, so a hung storage account answers in `timeoutMs` instead of hanging the invocation. The deadline covers
 * the response (headers and, for tables, the body the SDK reads before returning); a blob download's stream, read
 * after the call returned, is not cut.
 */
export function storageDeadlinePolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'rcmStorageDeadline',
    async sendRequest(request, next) {
      const deadlineMs = timeoutMs + extraForBody(request);
      const controller = new AbortController();
      const outer = request.abortSignal;
      const onOuterAbort = (): void => controller.abort();
      if (outer?.aborted) controller.abort();
      else outer?.addEventListener('abort', onOuterAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, deadlineMs);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        if (timedOut) throw new StorageUnavailableError(`${request.method} ${resourceOf(request.url)}`, deadlineMs);
        throw error;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onOuterAbort);
        request.abortSignal = outer;
      }
    },
  };
}

/** The table or container named by a request URL (no keys, query or entity ids: those can carry user data). */
function resourceOf(url: string): string {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return (segments[segments.length > 1 ? 1 : 0] ?? '').replace(/\(.*$/, '').slice(0, 64);
}

function extraForBody(request: PipelineRequest): number {
  const length = Number(request.headers.get('content-length') ?? 0);
  return length > largeBodyBytes ? Math.ceil(length / (1024 * 1024)) * 1000 : 0;
}
