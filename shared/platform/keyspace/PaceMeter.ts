import type { LatencyGuard } from './LatencyGuard';

/** Wall time of one shard's phases, summed over the job's chunks (ms). */
export interface PhaseTimes {
  /** Waiting for SCAN replies (mostly overlapped with the previous batch's work). */
  scan: number;
  /** Choosing the keys to act on (invalidation: the messaging check). */
  select: number;
  /** Waiting for write-ahead and progress checkpoints (Table Storage). */
  checkpoint: number;
  /** The operation itself (UNLINK, EXPIRE...), replica WAIT included. */
  apply: number;
  /** Held back by the rate limit. */
  rateWait: number;
  /** Held back by the latency guard (its PINGs and back-off sleeps). */
  guardPause: number;
}

/**
 * How one shard is being paced, as the job view shows it (`nodes[].pace`, summed in `pacing`): the rate over the
 * last window, what holds it back now, the guard's last PING and back-offs, and where the time went.
 */
export interface ShardPace {
  /** Keys acted on per second over the last window (about a second; the whole chunk when shorter). */
  keysPerSecond: number | null;
  /**
   * What bounds the rate now: `rate-limit` (the token bucket made the shard wait), `latency-guard` (PINGs over the
   * threshold made it back off), or `none` (neither held it back more than 5 % of the window: Redis, the network or
   * this process set the pace).
   */
  binding: 'rate-limit' | 'latency-guard' | 'none';
  /** null when the job runs without a latency guard. */
  guard: { maxLatencyMs: number; lastLatencyMs: number | null; backoffs: number; pauseMs: number } | null;
  /** null when unlimited. */
  rateLimit: { keysPerSecond: number } | null;
  timeMs: PhaseTimes;
  /** When this was measured (ISO). */
  at: string;
}

const windowMs = 1000;
const zeroTimes = (): PhaseTimes => ({ scan: 0, select: 0, checkpoint: 0, apply: 0, rateWait: 0, guardPause: 0 });

/** Measures one shard's pace; carries the totals of earlier chunks from the cursor's last `pace`. */
export class PaceMeter {
  readonly times: PhaseTimes;
  private readonly baseBackoffs: number;
  private readonly basePauseMs: number;
  private windowStart = performance.now();
  private windowKeys = 0;
  private windowHeld = { rateWait: 0, guardPause: 0 };
  private last: Pick<ShardPace, 'keysPerSecond' | 'binding'> = { keysPerSecond: null, binding: 'none' };

  constructor(
    private readonly guard: LatencyGuard,
    private readonly rateLimit: number | null,
    previous: ShardPace | undefined,
  ) {
    this.times = { ...zeroTimes(), ...previous?.timeMs };
    this.baseBackoffs = previous?.guard?.backoffs ?? 0;
    this.basePauseMs = previous?.guard?.pauseMs ?? 0;
  }

  /** Adds `ms` to a phase. */
  add(phase: keyof PhaseTimes, ms: number): void {
    this.times[phase] += ms;
    if (phase === 'rateWait' || phase === 'guardPause') this.windowHeld[phase] += ms;
  }

  /** Keys acted on (for the rate). */
  acted(keys: number): void {
    this.windowKeys += keys;
  }

  /** The pace now; closes the window once it is a second long. */
  snapshot(): ShardPace {
    const now = performance.now();
    const elapsed = now - this.windowStart;
    if (elapsed >= windowMs || this.last.keysPerSecond === null) {
      const held = Math.max(this.windowHeld.rateWait, this.windowHeld.guardPause);
      const binding = held <= elapsed * 0.05 ? 'none' : this.windowHeld.guardPause >= this.windowHeld.rateWait ? 'latency-guard' : 'rate-limit';
      this.last = { keysPerSecond: elapsed > 0 ? Math.round((this.windowKeys / elapsed) * 1000) : null, binding };
      if (elapsed >= windowMs) {
        this.windowStart = now;
        this.windowKeys = 0;
        this.windowHeld = { rateWait: 0, guardPause: 0 };
      }
    }
    const round = (t: PhaseTimes): PhaseTimes => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])) as unknown as PhaseTimes;
    return {
      ...this.last,
      guard: this.guard.options
        ? { maxLatencyMs: this.guard.options.maxLatencyMs, lastLatencyMs: this.guard.lastLatencyMs, backoffs: this.baseBackoffs + this.guard.backoffs, pauseMs: Math.round(this.basePauseMs + this.guard.pauseMs) }
        : null,
      rateLimit: this.rateLimit === null ? null : { keysPerSecond: this.rateLimit },
      timeMs: round(this.times),
      at: new Date().toISOString(),
    };
  }
}
