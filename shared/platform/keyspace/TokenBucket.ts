import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keys-per-second limit of one node: a bucket holding a tenth of a second of tokens, refilled continuously, so
 * the rate holds over any window longer than 100 ms (also across chunks, each of which starts a new bucket).
 * A null rate means unlimited.
 */
export class TokenBucket {
  private readonly capacity: number;
  private tokens: number;
  private last = Date.now();

  constructor(private readonly ratePerSecond: number | null) {
    this.capacity = ratePerSecond === null ? 0 : Math.max(1, ratePerSecond / 10);
    this.tokens = this.capacity;
  }

  /**
   * Waits until `n` tokens were paid (in instalments when n exceeds the bucket). Returns false, having taken
   * nothing, when the wait would end past `deadline`, or did: a process stalled while it slept (stopped, starved of
   * CPU, a long GC) wakes up after its deadline, when its lease may already be someone else's, and must not start
   * the batch. The caller stops before committing to it.
   */
  async take(n: number, deadline = Infinity): Promise<boolean> {
    if (this.ratePerSecond === null || n <= 0) return true;
    this.refill();
    const waitMs = Math.max(0, ((n - this.tokens) / this.ratePerSecond) * 1000);
    if (Date.now() + waitMs > deadline) return false;
    if (waitMs > 0) {
      await sleep(Math.ceil(waitMs));
      if (Date.now() > deadline) return false;
    }
    this.refill();
    this.tokens -= n;
    return true;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * (this.ratePerSecond ?? 0));
    this.last = now;
  }
}
