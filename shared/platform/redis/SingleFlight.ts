/**
 * Single flight: concurrent calls for one key share one execution (and, with a `windowMs`, calls arriving that long
 * after it succeeded get its result too). A failure is shared only by the calls that were waiting for it
 * (the next call tries again). Used for identical reads of one cluster (topology, health snapshots), so many
 * readers cost Redis one collection and the bulkhead is left for work that differs.
 */
export class SingleFlight {
  private readonly flights = new Map<string, { promise: Promise<unknown>; settledAt?: number }>();

  /**
   * @param windowMs how long a success is reused after it completed. @default 0: only calls that arrive while it
   * runs share it, so a read that starts after a change always sees the change
   */
  constructor(private readonly windowMs = 0) {}

  run<T>(key: string, operation: () => Promise<T>, now: () => number = Date.now): Promise<T> {
    const existing = this.flights.get(key);
    if (existing && (existing.settledAt === undefined || now() - existing.settledAt < this.windowMs)) return existing.promise as Promise<T>;
    const flight: { promise: Promise<T>; settledAt?: number } = { promise: Promise.resolve().then(operation) };
    this.flights.set(key, flight);
    flight.promise.then(
      () => {
        flight.settledAt = now();
        if (this.windowMs <= 0) {
          if (this.flights.get(key) === flight) this.flights.delete(key);
          return;
        }
        // Forget it after the window, so the map holds only recent keys.
        setTimeout(() => {
          if (this.flights.get(key) === flight) this.flights.delete(key);
        }, this.windowMs).unref();
      },
      () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      },
    );
    return flight.promise;
  }

  /** Keys with a flight in progress or a result still reusable (tests, diagnostics). */
  get size(): number {
    return this.flights.size;
  }
}
