import { describe, expect, it } from 'vitest';
import { balanceSlots } from '../../shared/admin/slots/balanceSlots';
import type { LayoutMaster } from '../../shared/admin/slots/clusterLayout';

const master = (id: string, from: number, to: number): LayoutMaster => ({
  id,
  address: { host: '127.0.0.1', port: 7000 + id.charCodeAt(0) },
  addressKey: `127.0.0.1:${7000 + id.charCodeAt(0)}`,
  slots: Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i),
  replicas: 0,
  usedMemory: null,
  maxmemory: null,
  migrating: [],
  importing: [],
});
const moved = (b: ReturnType<typeof balanceSlots>): number => b.moves.reduce((n, m) => n + m.slots.length, 0);

describe('balanceSlots (the rebalance planner, pure)', () => {
  it('threshold: masters 0.85 % off move nothing at 2 %, and are balanced exactly at 0.5 %', () => {
    // 8122 + 8262 slots: target 8192 each, both 70 off = 0.85 %.
    const a = master('a', 0, 8121);
    const b = master('b', 8122, 16383);
    const within = balanceSlots([a, b], () => 1, () => 1, { thresholdPercent: 2, integerTargets: true });
    expect(within).toMatchObject({ withinThreshold: true, moves: [] });
    expect(within.masters.map((m) => m.offByPercentBefore)).toEqual([0.85, 0.85]);
    const tight = balanceSlots([a, b], () => 1, () => 1, { thresholdPercent: 0.5, integerTargets: true });
    expect(tight.withinThreshold).toBe(false);
    expect(tight.masters.map((m) => m.slotsAfter)).toEqual([8192, 8192]);
    expect(moved(tight)).toBe(70);
    expect(tight.moves[0]).toMatchObject({ from: { id: 'b' }, to: { id: 'a' } });
  });

  it('weight 0 drains a master, loaded slots or not', () => {
    const masters = [master('a', 0, 5000), master('b', 5001, 10000), master('c', 10001, 16383)];
    // Load only in a's first 100 slots; c is drained although most of its slots are empty.
    const load = (slot: number): number => (slot < 100 || slot === 16000 ? 10 : 0);
    const drained = balanceSlots(masters, (m) => (m.id === 'c' ? 0 : 1), load, { thresholdPercent: 2, integerTargets: false });
    expect(drained.masters.find((m) => m.id === 'c')).toMatchObject({ slotsAfter: 0, after: 0, offByPercentBefore: null });
    expect(drained.masters.reduce((n, m) => n + m.slotsAfter, 0)).toBe(16384);
  });

  it('a slot heavier than what is left to balance stays where it is', () => {
    const a = master('a', 0, 8191);
    const b = master('b', 8192, 16383);
    // One hot slot on a carries 1000, every other slot 1: moving it would swap the imbalance, so it stays.
    const load = (slot: number): number => (slot === 5 ? 1000 : 1);
    const plan = balanceSlots([a, b], () => 1, load, { thresholdPercent: 2, integerTargets: false });
    expect(plan.moves.flatMap((m) => m.slots)).not.toContain(5);
    expect(plan.spreadAfter).toBeLessThan(plan.spreadBefore as number);
    expect(plan.spreadAfter).toBeLessThanOrEqual(1.001);
  });
});
