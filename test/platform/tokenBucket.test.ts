import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../shared/platform/keyspace/TokenBucket';

/** Blocks the event loop (a stopped or CPU-starved process, a long GC) for `ms`. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe('TokenBucket', () => {
  it('paces to the rate and refuses a wait that would end past the deadline, taking nothing', async () => {
    const bucket = new TokenBucket(1000); // holds 100 tokens
    const started = Date.now();
    expect(await bucket.take(100)).toBe(true);
    expect(await bucket.take(50)).toBe(true); // 50 ms of refill
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(await bucket.take(500, Date.now() + 100)).toBe(false); // would need ~500 ms
    expect(await bucket.take(10, Date.now() + 1000)).toBe(true);
  });

  it('a stall during the wait that ends past the deadline answers false: a holder whose lease ran out meanwhile starts no batch', async () => {
    const bucket = new TokenBucket(1000);
    expect(await bucket.take(100)).toBe(true); // empty now
    const deadline = Date.now() + 150;
    // The wait is 50 ms, well within the deadline; the process then stalls for 300 ms while it sleeps.
    setTimeout(() => stall(300), 5);
    expect(await bucket.take(50, deadline)).toBe(false);
    expect(Date.now()).toBeGreaterThan(deadline);
  });

  it('an unlimited bucket never waits', async () => {
    const bucket = new TokenBucket(null);
    const started = Date.now();
    for (let i = 0; i < 100; i++) expect(await bucket.take(1_000_000, Date.now())).toBe(true);
    expect(Date.now() - started).toBeLessThan(100);
  });
});
