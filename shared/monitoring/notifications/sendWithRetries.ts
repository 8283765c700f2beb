import type { PostOutcome } from './postJson';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /** All attempts and waits together stay within this. */
  budgetMs: number;
  /** @default 15000 */
  maxDelayMs?: number;
}

/** The last outcome and how many attempts it took. */
export type SendResult = PostOutcome & { attempts: number };

/**
 * Calls `attempt` until it succeeds, fails for good (not retryable), or the attempts or the time budget run out.
 * Waits grow exponentially with full jitter (so many failed receivers do not retry in step) and honour a longer
 * `Retry-After`; a wait that would end past the budget is not started.
 */
export async function sendWithRetries(attempt: (n: number) => Promise<PostOutcome>, policy: RetryPolicy, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<SendResult> {
  const started = Date.now();
  for (let n = 1; ; n += 1) {
    const outcome = await attempt(n);
    if (outcome.ok || !outcome.retryable || n >= policy.maxAttempts) return { ...outcome, attempts: n };
    const backoff = Math.min(policy.maxDelayMs ?? 15_000, policy.baseDelayMs * 2 ** (n - 1));
    const wait = Math.max(backoff / 2 + Math.random() * (backoff / 2), outcome.retryAfterMs ?? 0);
    if (Date.now() - started + wait > policy.budgetMs) return { ...outcome, attempts: n, reason: `${outcome.reason}; no time left for another attempt` };
    await sleep(wait);
  }
}
