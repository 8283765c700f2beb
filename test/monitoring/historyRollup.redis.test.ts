import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metricsRoutesFor } from '../../shared/monitoring/collection/metricsRoutes';
import { HOUR_MS } from '../../shared/monitoring/collection/MonitorStore';
import type { NodeReading } from '../../shared/monitoring/collection/NodeReading';
import type { Monitoring } from '../../shared/monitoring/collection/openMonitoring';
import { historyColumns } from '../../shared/monitoring/collection/historyColumns';
import { purgeHistory } from '../../shared/monitoring/collection/purgeHistory';
import { runMonitorTick } from '../../shared/monitoring/collection/runMonitorTick';
import { callRoutes } from '../controlplane/api';
import { change, RedisConnectionManager, testMonitoring, tickDeps } from './fixtures';

// Real Azurite (fresh tables) and the shared standalone redis-server: samples come from a real tick.
const connections = new RedisConnectionManager();
const memory = historyColumns.findIndex((c) => c.metric === 'used_memory_bytes');
let m: Monitoring;
let real: NodeReading;

const tickSolo = async () => {
  const deps = tickDeps(m, connections);
  const result = await runMonitorTick({ ...deps, listClusters: async () => (await m.cp.clusters.list()).filter((c) => c.id === 'solo') }, 4000);
  return { result, lines: deps.lines };
};
const withMemory = (bytes: number): NodeReading => ({ ...real, usedMemoryBytes: bytes });
const countRows = async (partitionKey: string) => {
  let n = 0;
  // Through the table itself, not the store: what is really left.
  for await (const _ of m.store['historyTable'].listEntities({ queryOptions: { filter: `PartitionKey eq '${partitionKey}'`, select: ['RowKey'] } })) n++;
  return n;
};

beforeAll(async () => {
  m = await testMonitoring();
  const { host, port } = inject('redisStandalone');
  for (const id of ['solo', 'week']) await m.cp.clusters.put(id, { mode: 'standalone', endpoints: [{ host, port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
  const [reading] = (await tickSolo()).result.clusters[0]?.readings ?? [];
  if (!reading?.reachable) throw new Error('the shared redis-server was not collected');
  real = reading;
});

afterAll(async () => {
  await connections.closeAll();
});

describe('hour roll-ups written by the monitor', () => {
  it('the first tick of a new hour rolls the closed hour up (min/max/mean/last per node), and a re-run writes the same row', async () => {
    const closed = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
    // Minute rows of the closed hour (a real reading, known memory values), newest not the largest.
    for (const [offset, bytes] of [[5, 1000], [25, 4000], [45, 1600]] as const) await m.store.appendHistory('solo', closed + offset * 60_000, [withMemory(bytes)]);
    // The last tick was in that hour.
    const state = await m.store.loadState('solo');
    if (!state) throw new Error('no state after the first tick');
    await m.store.saveState('solo', { ...state, at: closed + 45 * 60_000 });
    expect(await m.store.hourly('solo', closed, closed + HOUR_MS - 1)).toEqual([]);

    const { lines } = await tickSolo();
    expect(lines.filter((l) => l.includes('roll-up failed'))).toEqual([]);
    const [hour, ...others] = await m.store.hourly('solo', closed, closed + HOUR_MS - 1);
    expect(others).toEqual([]);
    expect(hour?.at).toBe(closed);
    expect(hour?.samples).toBe(3);
    const node = hour?.nodes.find((n) => n.node === real.node);
    expect([node?.min[memory], node?.max[memory], node?.mean[memory], node?.last[memory]]).toEqual([1000, 4000, 2200, 1600]);
    expect(node?.role).toBe(real.role);

    // The tick of the following minute is in the same (new) hour: no second roll-up of anything.
    const again = await m.store.rollupHour('solo', closed + 10);
    expect(again).toEqual(hour);
    expect(await m.store.hourly('solo', closed, closed + HOUR_MS - 1)).toEqual([hour]);
    expect(await countRows('solo~hourly')).toBe(1);
  });
});

describe('7 days of history', () => {
  const now = Date.now();
  const open = Math.floor(now / HOUR_MS) * HOUR_MS;
  const hours = Array.from({ length: 168 }, (_, i) => open - (168 - i) * HOUR_MS);

  beforeAll(async () => {
    // Two minute rows per hour (memory = hour index and index + 100), then the roll-up of every closed hour.
    for (let i = 0; i < hours.length; i += 24) {
      await Promise.all(
        hours.slice(i, i + 24).flatMap((h, j) => [m.store.appendHistory('week', h + 5 * 60_000, [withMemory(i + j)]), m.store.appendHistory('week', h + 35 * 60_000, [withMemory(i + j + 100)])]),
      );
      await Promise.all(hours.slice(i, i + 24).map((h) => m.store.rollupHour('week', h)));
    }
    await m.store.appendHistory('week', Math.max(open, now - 1000), [withMemory(7)]);
  }, 120_000);

  const metrics = (query: string) => callRoutes(m.cp, metricsRoutesFor(async () => m), { method: 'GET', path: `/clusters/week/metrics?${query}`, params: { id: 'week' }, as: 'reader' });

  it('a 7-day chart reads the 168 hour rows and the open hour, not the 337 minute rows', async () => {
    const from = hours[0] as number; // 7 days back, on the hour
    expect((await m.store.history('week', from, now)).length).toBe(337);
    const res = await metrics(`from=${from}&to=${now}&metrics=used_memory_bytes&maxPoints=5000`);
    expect(res.status).toBe(200);
    expect(res.json.resolution).toBe('hour');
    expect(res.json.samples).toBe(169);
    const points = res.json.series[0].points as [number, number][];
    expect(points.slice(0, 2)).toEqual([
      [hours[0], 50],
      [hours[1], 51],
    ]);
    expect(points[points.length - 1]).toEqual([Math.max(open, now - 1000), 7]);

    const max = await metrics(`from=${from}&to=${now}&metrics=used_memory_bytes&maxPoints=5000&aggregate=max`);
    expect((max.json.series[0].points as [number, number][])[1]).toEqual([hours[1], 101]);
  });

  it('a range up to 24 h is served from the minute rows', async () => {
    const res = await metrics(`from=${now - 24 * HOUR_MS}&to=${now}&metrics=used_memory_bytes&maxPoints=5000`);
    expect(res.json.resolution).toBe('minute');
    expect(res.json.samples).toBe((await m.store.history('week', now - 24 * HOUR_MS, now)).length);
    expect(res.json.samples).toBeGreaterThan(40);
  });

  it('the purge takes the lease (two at once: one purges), deletes past each retention, bounded per run', async () => {
    const settings = { MONITOR_RETENTION_HOURS: 24, MONITOR_HOURLY_RETENTION_DAYS: 3, MONITOR_PURGE_MAX_ROWS: 150 };
    const deps = { store: m.store, listClusters: async () => [{ id: 'week' }], settings };
    const minutesBefore = await countRows('week');
    const hourlyBefore = await countRows('week~hourly');
    const both = await Promise.all([purgeHistory({ ...deps, holder: 'a' }), purgeHistory({ ...deps, holder: 'b' })]);
    expect(both.map((r) => r.leased).sort()).toEqual([false, true]);
    const first = both.find((r) => r.leased);
    expect((first?.minuteRows ?? 0) + (first?.hourlyRows ?? 0)).toBe(150);
    expect(first?.stopped).toBe(true);

    // Held elsewhere: nothing deleted.
    const other = await m.store.purgeLease.acquire('other', 60_000);
    expect(other).not.toBeNull();
    expect(await purgeHistory(deps)).toEqual({ leased: false, minuteRows: 0, hourlyRows: 0, stopped: false });
    if (other) await m.store.purgeLease.release(other);

    const runs = [first];
    while (runs[runs.length - 1]?.stopped) runs.push(await purgeHistory(deps));
    expect(runs.every((r) => r && r.minuteRows + r.hourlyRows <= 150)).toBe(true);
    const now2 = Date.now();
    const minuteKept = (await m.store.history('week', 0, now2)).map((r) => r.at);
    expect(Math.min(...minuteKept)).toBeGreaterThanOrEqual(now2 - 24 * HOUR_MS - 60_000);
    const hourKept = (await m.store.hourly('week', 0, now2)).map((r) => r.at);
    expect(Math.min(...hourKept)).toBeGreaterThanOrEqual(now2 - 72 * HOUR_MS - HOUR_MS);
    const deleted = runs.reduce((n, r) => n + (r?.minuteRows ?? 0) + (r?.hourlyRows ?? 0), 0);
    expect(minutesBefore + hourlyBefore - deleted).toBe((await countRows('week')) + (await countRows('week~hourly')));
    expect(runs.length).toBeGreaterThanOrEqual(3);
  });

  it('a lease taken over after it expired fences its old holder out (its token moved)', async () => {
    const lease = m.store.purgeLease;
    const t = Date.now();
    const a = await lease.acquire('fenced-a', 50, t);
    expect(a).not.toBeNull();
    expect(await lease.acquire('fenced-b', 60_000, t + 10)).toBeNull();
    const b = await lease.acquire('fenced-b', 60_000, t + 100);
    expect(b?.token).toBe((a?.token ?? 0) + 1);
    if (a) expect(await lease.holds(a, t + 20)).toBe(false);
    if (b) {
      expect(await lease.holds(b)).toBe(true);
      await lease.release(b);
      expect(await lease.holds(b)).toBe(false);
    }
  });
});
