import { DomainError } from './DomainError';

/**
 * A writer appended with an expected version that is no longer the stream's version: someone else wrote first.
 * Nothing of the losing append was stored (Table transactions are atomic), so the caller may re-read and retry.
 */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super('conflict', 'concurrency_conflict', `stream '${streamId}' is no longer at version ${expectedVersion}; re-read and retry`);
    this.name = 'ConcurrencyError';
  }
}

export function isConcurrencyError(error: unknown): error is ConcurrencyError {
  return error instanceof ConcurrencyError;
}
