import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpaceSaving } from '../../../shared/monitoring/hotkeys/SpaceSaving';
import { parseMonitorLine } from '../../../shared/monitoring/hotkeys/parseMonitorLine';

function exactCounts(stream: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of stream) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

describe('Space-Saving', () => {
  it('holds its guarantees on any stream: count − error ≤ true ≤ count, error ≤ N/capacity, every item above N/capacity monitored', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 3000 }), (capacity, items) => {
        const stream = items.map((i) => `k${i}`);
        const s = new SpaceSaving(capacity);
        for (const k of stream) s.offer(k, 'read');
        const truth = exactCounts(stream);
        const n = stream.length;
        expect(s.total).toBe(n);
        expect(s.size).toBeLessThanOrEqual(capacity);
        expect(s.errorBound).toBeLessThanOrEqual(n / capacity);
        const monitored = new Map(s.top().map((e) => [e.key, e]));
        for (const e of monitored.values()) {
          const t = truth.get(e.key) ?? 0;
          expect(e.count - e.error).toBeLessThanOrEqual(t);
          expect(t).toBeLessThanOrEqual(e.count);
          expect(e.error).toBeLessThanOrEqual(s.errorBound);
          expect(e.reads).toBe(e.count - e.error); // every hit here is a read, counted since the item was taken in
        }
        for (const [k, t] of truth) {
          if (t > n / capacity) expect(monitored.has(k)).toBe(true);
          if (!monitored.has(k)) expect(t).toBeLessThanOrEqual(s.errorBound);
        }
        const sum = [...monitored.values()].reduce((a, e) => a + e.count, 0);
        expect(sum).toBe(n); // Space-Saving's invariant: the counters sum to the stream length
      }),
      { numRuns: 300 },
    );
  });

  it('survives a round trip through its stored state, also when trimmed to fit (the floor keeps the bound)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 2000 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 500 }), (first, second) => {
        const s = new SpaceSaving(20);
        for (const i of first) s.offer(`key-${i}`);
        const state = s.state(200); // a few entries only
        const restored = SpaceSaving.from(JSON.parse(JSON.stringify(state)));
        for (const i of second) restored.offer(`key-${i}`);
        const truth = exactCounts([...first, ...second].map((i) => `key-${i}`));
        for (const e of restored.top()) {
          const t = truth.get(e.key) ?? 0;
          expect(t).toBeLessThanOrEqual(e.count);
          expect(e.count - e.error).toBeLessThanOrEqual(t);
        }
        for (const [k, t] of truth) if (!restored.top().some((e) => e.key === k)) expect(t).toBeLessThanOrEqual(restored.errorBound);
      }),
      { numRuns: 200 },
    );
  });

  it('finds the heavy hitters of a Zipf stream with counters far fewer than the keys', () => {
    const keys = 20_000;
    const weights = Array.from({ length: keys }, (_, i) => 1 / (i + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    const cdf: number[] = [];
    let acc = 0;
    for (const w of weights) cdf.push((acc += w / total));
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const s = new SpaceSaving(500);
    for (let i = 0; i < 200_000; i++) {
      const u = rand();
      let lo = 0;
      let hi = keys - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cdf[mid] as number) < u) lo = mid + 1;
        else hi = mid;
      }
      s.offer(`z${lo}`);
    }
    const top10 = s.top(10).map((e) => e.key);
    expect(top10.filter((k) => Number(k.slice(1)) < 10).length).toBeGreaterThanOrEqual(9);
  });
});

describe('parseMonitorLine', () => {
  const line = (s: string) => Buffer.from(s, 'latin1');
  it('reads the command and its arguments, unquoting every escape the server writes', () => {
    expect(parseMonitorLine(line('+1339518083.107412 [0 127.0.0.1:60866] "SET" "x" "6"'))).toEqual({ name: 'set', args: ['x', '6'] });
    expect(parseMonitorLine(line('+1339518100.363799 [0 lua] "get" "a\\"b"'))).toEqual({ name: 'get', args: ['a"b'] });
    expect(parseMonitorLine(line('+1.0 [0 unix:/tmp/r.sock] "get" "\\xff\\x00k\\n\\\\"'))).toEqual({ name: 'get', args: ['\xff\x00k\n\\'] });
    expect(parseMonitorLine(line('+1.0 [0 [::1]:6379] "get" "] \\"x"'))).toEqual({ name: 'get', args: ['] "x'] });
  });
  it('is null for anything that is not a command line', () => {
    expect(parseMonitorLine(line('+OK'))).toBeNull();
    expect(parseMonitorLine(line('-ERR unknown command'))).toBeNull();
    expect(parseMonitorLine(line('+1.0 [0 127.0.0.1:1] "get" "unterminated'))).toBeNull();
  });
});
