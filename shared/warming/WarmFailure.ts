import type { WarmCounts } from './WarmCounts';

/**
 * Why a warm job stopped, in words an operator can act on. `retryable`: a later request may succeed (the
 * source was down) as opposed to a plan or data problem (refused URL, error budget spent, not a JSON array).
 */
export class WarmFailure extends Error {
  /** What the failing piece of work had read and written (acknowledged) before it stopped, when known. */
  counts?: WarmCounts;

  constructor(
    readonly code: 'source_unreachable' | 'source_refused' | 'source_malformed' | 'source_too_large' | 'error_budget_exceeded' | 'plan_invalid' | 'target_unavailable',
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'WarmFailure';
  }
}

export function isWarmFailure(error: unknown): error is WarmFailure {
  return error instanceof Error && error.name === 'WarmFailure';
}
