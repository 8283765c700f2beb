export interface BulkheadOptions {
  /** Operations on one cluster running at once. @default 8 */
  maxConcurrent?: number;
  /** Operations waiting for a slot; more are refused at once. @default 32 */
  maxQueued?: number;
  /** Longest wait for a slot before giving up. @default 2000 */
  queueTimeoutMs?: number;
}

/** Thrown when the bulkhead refuses or times out a waiting operation. */
export class BulkheadFullError extends Error {
  constructor(readonly reason: 'queue_full' | 'queue_timeout') {
    super(reason === 'queue_full' ? 'too many operations queued for this cluster' : 'timed out waiting for a free slot');
    this.name = 'BulkheadFullError';
  }
}

/**
 * A counting semaphore per cluster: one slow cluster holds at most `maxConcurrent` operations (and their
 * sockets and invocation time), so calls for other clusters are never starved behind it.
 */
export class Bulkhead {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly queueTimeoutMs: number;

  constructor(options: BulkheadOptions = {}) {
    this.maxConcurrent = options.maxConcurrent ?? 8;
    this.maxQueued = options.maxQueued ?? 32;
    this.queueTimeoutMs = options.queueTimeoutMs ?? 2000;
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await operation();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueued) return Promise.reject(new BulkheadFullError('queue_full'));
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        this.active++;
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new BulkheadFullError('queue_timeout'));
      }, this.queueTimeoutMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
