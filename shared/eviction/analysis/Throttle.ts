export interface ThrottleOptions {
  /** Keys probed per second per node; batches are spaced to hold it. @default 20000 */
  maxKeysPerSecond?: number;
  /** A batch slower than this (ms) means the node is busy: pause as long as the batch took. @default 50 */
  latencyGuardMs?: number;
}

/**
 * Paces batches against one node: keeps a keys-per-second rate and backs off when a batch's round trip shows the
 * node is busy, so an analysis never competes with production traffic at full speed.
 */
export class Throttle {
  private readonly rate: number;
  private readonly guardMs: number;
  private readonly started = Date.now();
  private keys = 0;

  constructor(options: ThrottleOptions = {}) {
    this.rate = options.maxKeysPerSecond ?? 20_000;
    this.guardMs = options.latencyGuardMs ?? 50;
  }

  /** Call after each batch with its size and round-trip time; waits as needed. */
  async after(batchKeys: number, batchMs: number): Promise<void> {
    this.keys += batchKeys;
    let waitMs = Number.isFinite(this.rate) ? (this.keys / this.rate) * 1000 - (Date.now() - this.started) : 0;
    if (batchMs > this.guardMs) waitMs = Math.max(waitMs, batchMs);
    if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
