import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

export interface LatencyGuardOptions {
  /** PING round trip above which the node counts as stressed: back off and shrink batches. @default 2 */
  maxLatencyMs: number;
}

/**
 * Adaptive pacing for one node. Off (null options): fixed `scanCount`, whole batches pipelined at once.
 * On: before each batch a PING on the node's connection (idle at that moment, so the round trip is the server's
 * responsiveness to everyone) — above `maxLatencyMs` it sleeps (10 ms doubling to 1 s) and halves the batch
 * sizes; below half the threshold it grows them again by 25 %. Our own commands are sized the same way from their
 * round trips, and sent one at a time so other clients' commands interleave between them.
 */
export class LatencyGuard {
  scanCount: number;
  writeBatch: number;
  private backoffMs = 0;
  /** PINGs over the threshold (reported as `guardBackoffs`). */
  backoffs = 0;
  /** Time slept backing off (ms). */
  pauseMs = 0;
  /** Round trip of the last PING (ms); null before the first. */
  lastLatencyMs: number | null = null;

  constructor(
    readonly options: LatencyGuardOptions | null,
    private readonly maxScanCount: number,
  ) {
    this.scanCount = options ? Math.min(100, maxScanCount) : maxScanCount;
    this.writeBatch = options ? 50 : 1000;
  }

  get enabled(): boolean {
    return this.options !== null;
  }

  /** Waits until the node answers a PING within the threshold (or the deadline passes). */
  async beforeBatch(node: Redis, deadline: number): Promise<void> {
    if (!this.options) return;
    for (;;) {
      const start = performance.now();
      await node.ping();
      const rtt = performance.now() - start;
      this.lastLatencyMs = Math.round(rtt * 100) / 100;
      if (rtt <= this.options.maxLatencyMs) {
        this.backoffMs = 0;
        if (rtt <= this.options.maxLatencyMs / 2) this.grow();
        return;
      }
      this.backoffs += 1;
      this.shrink();
      this.backoffMs = Math.min(1000, this.backoffMs === 0 ? 10 : this.backoffMs * 2);
      if (Date.now() + this.backoffMs >= deadline) return;
      await sleep(this.backoffMs);
      this.pauseMs += this.backoffMs;
    }
  }

  /** Feeds back the round trip of one of our own commands. */
  observe(rttMs: number): void {
    if (!this.options) return;
    if (rttMs > this.options.maxLatencyMs / 2) this.shrink();
  }

  private shrink(): void {
    this.scanCount = Math.max(10, Math.floor(this.scanCount / 2));
    this.writeBatch = Math.max(1, Math.floor(this.writeBatch / 2));
  }

  private grow(): void {
    this.scanCount = Math.min(this.maxScanCount, Math.ceil(this.scanCount * 1.25));
    this.writeBatch = Math.min(200, Math.ceil(this.writeBatch * 1.25));
  }
}
