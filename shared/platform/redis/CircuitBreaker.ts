/** `closed`: calls flow; `open`: calls fail at once; `half-open`: one probe call decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The breaker as the API shows it in a 503 problem body. */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** ISO time the circuit last opened. */
  openedAt?: string;
  /** Milliseconds until a probe is let through (open state). */
  retryAfterMs?: number;
  /** Classified kind of the last failure (`timeout`, `connection`, ...), never a raw message. */
  lastFailure?: string;
}

export interface CircuitBreakerOptions {
  /** Consecutive infrastructure failures that open the circuit. @default 3 */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe is allowed. @default 10000 */
  cooldownMs?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * Per-cluster circuit breaker: after `failureThreshold` consecutive failures every call fails fast for
 * `cooldownMs`; then a single probe runs (half-open) and its outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private lastFailure: string | undefined;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 3;
    this.cooldownMs = options.cooldownMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether a call may proceed now; in half-open state only the first caller gets through. */
  tryAcquire(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && this.now() - this.openedAt >= this.cooldownMs) this.state = 'half-open';
    if (this.state === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return true;
    }
    return false;
  }

  /** Gives back a probe that never ran (refused by the bulkhead), without an outcome. */
  abandon(): void {
    this.probeInFlight = false;
  }

  onSuccess(): void {
    this.state = 'closed';
    this.failures = 0;
    this.probeInFlight = false;
  }

  onFailure(kind: string): void {
    this.failures++;
    this.lastFailure = kind;
    this.probeInFlight = false;
    if (this.state === 'half-open' || this.failures >= this.threshold) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }

  snapshot(): CircuitSnapshot {
    if (this.state === 'open' && this.now() - this.openedAt >= this.cooldownMs) this.state = 'half-open';
    const snap: CircuitSnapshot = { state: this.state, consecutiveFailures: this.failures };
    if (this.openedAt > 0 && this.state !== 'closed') snap.openedAt = new Date(this.openedAt).toISOString();
    if (this.state === 'open') snap.retryAfterMs = Math.max(0, this.openedAt + this.cooldownMs - this.now());
    if (this.lastFailure !== undefined) snap.lastFailure = this.lastFailure;
    return snap;
  }
}
