import { describe, expect, it } from 'vitest';
import { deriveReadings } from '../../shared/monitoring/collection/deriveReadings';
import { sample } from './readings';

const derive = (prev: ReturnType<typeof sample> | undefined, cur: ReturnType<typeof sample>) =>
  deriveReadings('c1', [cur], new Map(prev ? [[prev.node, prev]] : []))[0];

describe('deriveReadings', () => {
  it('rates are per second over the real elapsed time; hit ratio is the interval’s, not since boot', () => {
    const r = derive(sample(1_000_000, { commands: 1000, hits: 900_000, misses: 100_000, evicted: 10 }), sample(1_010_000, { commands: 1500, hits: 900_030, misses: 100_070, evicted: 60 }));
    expect(r?.intervalSeconds).toBe(10);
    expect(r?.opsPerSec).toBe(50);
    expect(r?.evictionsPerSec).toBe(5);
    expect(r?.hitRatio).toBeCloseTo(0.3, 10); // since boot it would be ~0.9
    expect(r?.memoryUsedRatio).toBeCloseTo(0.1);
  });

  it('the first sample and an interval without lookups have no rates / no hit ratio', () => {
    expect(derive(undefined, sample(1000, { commands: 5 }))).toMatchObject({ opsPerSec: null, hitRatio: null, intervalSeconds: null, restarted: false });
    expect(derive(sample(1000, { hits: 5 }), sample(2000, { hits: 5 }))?.hitRatio).toBeNull();
  });

  it('a restart (new run_id, uptime back, or a counter going down) is detected, never a negative rate', () => {
    const before = sample(100_000, { commands: 10_000, hits: 500, evicted: 50 });
    for (const after of [
      sample(110_000, { commands: 20 }, { runId: 'run-b', uptimeSeconds: 3 }),
      sample(110_000, { commands: 20 }, { uptimeSeconds: 3 }),
      sample(110_000, { commands: 20, hits: 600, evicted: 60 }),
    ]) {
      const r = derive(before, after);
      expect(r).toMatchObject({ restarted: true, opsPerSec: null, evictionsPerSec: null, hitRatio: null });
    }
  });

  it('replica lag in bytes against the master’s offset of the same tick; seconds from the master’s view of it', () => {
    const master = sample(1000, {}, { node: 'm:1', replOffset: 5000, replicas: [{ address: 'r:1', state: 'online', offset: 4800, lagSeconds: 1 }] });
    const replica = sample(1000, {}, { node: 'r:1', role: 'replica', master: 'm:1', replOffset: 4200, masterLinkUp: true, masterLastIoSeconds: 7 });
    const [m, r] = deriveReadings('c1', [master, replica], new Map());
    expect(m?.liveReplicas).toBe(1);
    expect(r).toMatchObject({ replicationLagBytes: 800, replicationLagSeconds: 1, masterLinkUp: true, liveReplicas: null });
  });

  it('slowlog growth counts entries by id across ticks', () => {
    const entry = (id: number) => ({ id, at: 0, durationUs: 20_000, command: 'keys' });
    const r = derive(sample(1000, {}, { slowlog: [entry(4), entry(3)] }), sample(2000, {}, { slowlog: [entry(9), entry(8)] }));
    expect(r?.slowlogNew).toBe(5);
  });
});
