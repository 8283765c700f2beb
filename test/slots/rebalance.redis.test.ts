import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { rebalanceRoutes } from '../../shared/admin/slots/rebalanceRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { metricsHistoryTable } from '../../shared/platform/metrics/metricsHistoryTable';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { MonitorStore } from '../../shared/monitoring/collection/MonitorStore';
import type { NodeReading } from '../../shared/monitoring/collection/NodeReading';
import { historyColumns } from '../../shared/monitoring/collection/historyColumns';
import { opsPerSecColumn } from '../../shared/platform/metrics/metricsHistoryTable';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { addEmptyMaster, fill, fingerprint, openSlots, register, runToEnd } from './slotTestbed';

// A 3-master cluster skewed on purpose (extra keys only in the first master's slots) plus an empty 4th master.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
let fourth: { node: RedisProcess; id: string };
let client: Cluster;
const ids = new Map<string, string>();
const UNIFORM = 12_000;
const SKEWED = 6_000;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'rb', own.cluster.seeds);
  fourth = await addEmptyMaster(own.cluster);
  for (const n of [...own.cluster.masters, fourth.node]) ids.set(`${n.host}:${n.port}`, await redisText(n.host, n.port, ['CLUSTER', 'MYID']));
  client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true, redisOptions: { connectTimeout: 5000 } });
  await fill(client, 'u:', UNIFORM, 100);
  // Extra keys only in slots 0..5460 (the first master's): it holds about twice what each other master holds.
  const writes: Promise<unknown>[] = [];
  for (let i = 0, n = 0; n < SKEWED; i++) {
    const key = `s:${i}`;
    if (keySlot(Buffer.from(key)) > 5460) continue;
    writes.push(client.set(key, `${i}:`.padEnd(100, 'y')));
    n++;
  }
  await Promise.all(writes);
});
afterAll(async () => {
  client.disconnect();
  await redisConnections.closeAll();
  await fourth?.node.stop();
});

type Row = { id: string; address: string; weight: number; target: number; before: number; after: number; offByPercentBefore: number | null; offByPercentAfter: number | null; slotsBefore: number; slotsAfter: number };
const rebalance = (body: unknown, as: 'admin' | 'operator' | 'reader' = 'operator', id = 'rb') => callRoutes(cp, rebalanceRoutes, { method: 'POST', path: `/clusters/${id}/slots/rebalance`, params: { id }, body, as });
const allNodes = (): RedisProcess[] => [...own.cluster.nodes, fourth.node];
const ranges = (text: string): number[] =>
  text.split(',').flatMap((r) => {
    const [a, b] = r.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
  });
/** Keys per master as the test counts them from the key names, with the plan's moves applied to the ownership. */
async function keysPerMasterAfter(pairs: { from: { id: string }; to: { id: string }; slots: string }[]): Promise<Map<string, number>> {
  const owner: string[] = new Array<string>(16384).fill('');
  for (const n of [...own.cluster.masters, fourth.node]) {
    const line = (await redisText(n.host, n.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself')) ?? '';
    for (const token of line.trim().split(' ').slice(8)) if (/^\d+(-\d+)?$/.test(token)) for (const s of ranges(token)) owner[s] = ids.get(`${n.host}:${n.port}`) ?? '';
  }
  for (const p of pairs) for (const s of ranges(p.slots)) owner[s] = p.to.id;
  const counts = new Map<string, number>();
  const add = (key: string) => {
    const id = owner[keySlot(Buffer.from(key))] as string;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  for (let i = 0; i < UNIFORM; i++) add(`u:${i}`);
  for (let i = 0, n = 0; n < SKEWED; i++) {
    if (keySlot(Buffer.from(`s:${i}`)) > 5460) continue;
    add(`s:${i}`);
    n++;
  }
  return counts;
}

describe('rebalance: every master to its weighted share', () => {
  it('refuses bad input with the field, readers, unknown nodes, weights all 0, and an Azure cache; nothing changes', async () => {
    const before = await openSlots(allNodes());
    const badWeightBy = await rebalance({ weightBy: 'cpu' });
    expect(badWeightBy.status).toBe(400);
    expect(badWeightBy.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(badWeightBy.json.errors)).toContain('weightBy');
    const badThreshold = await rebalance({ threshold: -1 });
    expect(badThreshold.status).toBe(400);
    expect(JSON.stringify(badThreshold.json.errors)).toContain('threshold');
    const badWeight = await rebalance({ weights: { [fourth.id]: -2 } });
    expect(badWeight.status).toBe(400);
    expect(JSON.stringify(badWeight.json.errors)).toContain('weights');
    const badRef = await rebalance({ weights: { 'not a node': 1 } });
    expect(badRef.status).toBe(400);
    const unknown = await rebalance({ weights: { ['f'.repeat(40)]: 1 }, dryRun: true });
    expect(unknown).toMatchObject({ status: 400, json: { code: 'unknown_node', errors: [{ field: `body.weights.${'f'.repeat(40)}` }] } });
    const zero = Object.fromEntries([...ids.values()].map((id) => [id, 0]));
    expect(await rebalance({ weights: zero, dryRun: true })).toMatchObject({ status: 400, json: { errors: [{ field: 'body.weights' }] } });
    expect((await rebalance({ dryRun: true }, 'reader')).status).toBe(403);
    expect((await rebalance({ unknownField: 1 })).status).toBe(400);
    // Azure: refused before any connection, naming why and the ARM alternative.
    const put = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/amr', params: { id: 'amr' }, body: { mode: 'azure-managed-redis', endpoints: [{ host: '127.0.0.1', port: 1 }], secretRef: { kind: 'none' } } });
    expect(put.status).toBeLessThan(300);
    const azure = await rebalance({ dryRun: true }, 'operator', 'amr');
    expect(azure).toMatchObject({ status: 409, json: { code: 'azure_cluster_writes_blocked' } });
    expect(azure.json.detail ?? azure.json.title).toMatch(/shard/);
    expect(await openSlots(allNodes())).toEqual(before);
  });

  it('weightBy slots: the empty 4th master gets a quarter, redis-cli style; weights shift the shares', async () => {
    const res = await rebalance({ weightBy: 'slots', dryRun: true });
    expect(res.status).toBe(200);
    const { rebalance: summary, pairs } = res.json;
    expect(summary).toMatchObject({ weightBy: 'slots', thresholdPercent: 2, withinThreshold: false, total: 16384 });
    const rows = summary.masters as Row[];
    expect(rows.map((r) => r.slotsAfter).sort()).toEqual([4096, 4096, 4096, 4096]);
    expect(rows.find((r) => r.id === fourth.id)).toMatchObject({ slotsBefore: 0, slotsAfter: 4096, offByPercentBefore: 100, offByPercentAfter: 0 });
    // Spread = max/mean: 5462/4096 before, exactly 1 after.
    expect(summary.spreadBefore).toBeCloseTo(5462 / 4096, 2);
    expect(summary.spreadAfter).toBe(1);
    expect(pairs.every((p: { to: { id: string } }) => p.to.id === fourth.id)).toBe(true);
    expect(res.json.slotCount).toBe(4096);
    // Weight 2 for the 4th: 2/5 of the slots, 6553.6 and 3276.8 each; by largest remainder 6553 and 3277.
    const weighted = (await rebalance({ weightBy: 'slots', weights: { [`${fourth.node.host}:${fourth.node.port}`]: 2 }, dryRun: true })).json.rebalance.masters as Row[];
    expect(weighted.find((r) => r.id === fourth.id)?.slotsAfter).toBe(6553);
    expect(weighted.filter((r) => r.id !== fourth.id).map((r) => r.slotsAfter)).toEqual([3277, 3277, 3277]);
    expect(weighted.reduce((n, r) => n + r.slotsAfter, 0)).toBe(16384);
    expect(await openSlots(allNodes())).toEqual([]);
  });

  it('weightBy keys: the plan brings every master within the threshold of its share, checked against the key names', async () => {
    const res = await rebalance({ weightBy: 'keys', threshold: 2, dryRun: true });
    expect(res.status).toBe(200);
    const summary = res.json.rebalance;
    const rows = summary.masters as Row[];
    expect(summary.total).toBe(UNIFORM + SKEWED);
    expect(rows.every((r) => r.target === (UNIFORM + SKEWED) / 4)).toBe(true);
    // The first master holds the extra keys: it is the main source, and it gives more than the others.
    const first = rows.find((r) => r.address === `${own.cluster.masters[0]?.host}:${own.cluster.masters[0]?.port}`) as Row;
    expect(first.before).toBeGreaterThan(1.6 * (UNIFORM + SKEWED) / 4);
    const out = (id: string) => (res.json.pairs as { from: { id: string }; keys: number }[]).filter((p) => p.from.id === id).reduce((n, p) => n + p.keys, 0);
    expect(out(first.id)).toBeGreaterThan(Math.max(...rows.filter((r) => r.id !== first.id).map((r) => out(r.id))));
    // The plan's after-figures are what the test computes from the key names with the moves applied.
    const expected = await keysPerMasterAfter(res.json.pairs);
    for (const r of rows) expect(r.after).toBe(expected.get(r.id) ?? 0);
    for (const r of rows) expect(r.offByPercentAfter).toBeLessThanOrEqual(2);
    expect(summary.spreadAfter).toBeLessThan(1.02);
    expect(summary.spreadBefore).toBeGreaterThan(1.6);
    expect(res.json.keys).toBe((res.json.pairs as { keys: number }[]).reduce((n, p) => n + p.keys, 0));
    expect(res.json.expectedDurationSeconds).toBeGreaterThan(0);
  });

  it('weightBy memory: sampled bytes per master, the heavy master gives slots, the spread shrinks', async () => {
    const res = await rebalance({ weightBy: 'memory', dryRun: true });
    expect(res.status).toBe(200);
    const summary = res.json.rebalance;
    expect(summary).toMatchObject({ weightBy: 'memory', unit: 'bytes', withinThreshold: false });
    expect(summary.basis).toMatch(/MEMORY USAGE/);
    const rows = summary.masters as Row[];
    // ~100-byte values: MEMORY USAGE of each key is well above 100 and below 1 KiB.
    expect(summary.total).toBeGreaterThan((UNIFORM + SKEWED) * 100);
    expect(summary.total).toBeLessThan((UNIFORM + SKEWED) * 1024);
    const first = rows.find((r) => r.address === `${own.cluster.masters[0]?.host}:${own.cluster.masters[0]?.port}`) as Row;
    expect(first.before).toBe(Math.max(...rows.map((r) => r.before)));
    expect(rows.find((r) => r.id === fourth.id)?.before).toBe(0);
    expect(summary.spreadAfter).toBeLessThan(1.05);
    expect(summary.spreadBefore).toBeGreaterThan(1.5);
  });

  it('weightBy ops: refused without the monitor history; with it, the busy master gives slots', async () => {
    const none = await rebalance({ weightBy: 'ops', dryRun: true });
    expect(none).toMatchObject({ status: 409, json: { code: 'no_ops_history' } });
    expect(none.json.detail ?? none.json.title).toMatch(/monitor/);
    expect(historyColumns[opsPerSecColumn]?.metric).toBe('ops_per_sec');
    // History rows as the monitor writes them (MonitorStore.appendHistory): the first master 3× as busy.
    const table = metricsHistoryTable(cp.settings.tablePrefix);
    await table.createTable();
    const store = new MonitorStore(table, table);
    const now = Date.now();
    for (let t = 0; t < 5; t++) {
      const readings = own.cluster.masters.map((m, i) => ({ node: `${m.host}:${m.port}`, role: 'master', shard: ids.get(`${m.host}:${m.port}`), opsPerSec: i === 0 ? 3000 : 1000 }) as unknown as NodeReading);
      await store.appendHistory('rb', now - t * 60_000, readings);
    }
    const res = await rebalance({ weightBy: 'ops', dryRun: true });
    expect(res.status).toBe(200);
    const rows = res.json.rebalance.masters as Row[];
    expect(res.json.rebalance.total).toBeCloseTo(5000, 0);
    const first = rows.find((r) => r.address === `${own.cluster.masters[0]?.host}:${own.cluster.masters[0]?.port}`) as Row;
    expect(first.before).toBeCloseTo(3000, 0);
    expect(first.after).toBeLessThan(1300);
    expect(rows.find((r) => r.id === fourth.id)?.after).toBeGreaterThan(1100);
    expect(res.json.rebalance.spreadAfter).toBeLessThan(1.05);
  });

  it('runs the keys rebalance to completion: same keys and values, no open slot, redis-cli check clean; then nothing to move', async () => {
    const before = await fingerprint(own.cluster, [fourth.node]);
    expect(before.keys).toBe(UNIFORM + SKEWED);
    const res = await rebalance({ weightBy: 'keys', latencyGuard: null });
    expect(res.status).toBe(202);
    expect(res.json.plan.rebalance.weightBy).toBe('keys');
    expect((await rebalance({ weightBy: 'slots' })).json.code).toBe('slot_operation_in_progress');
    expect(await runToEnd(cp, res.json.jobId)).toBe('succeeded');
    const job = (await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${res.json.jobId}`, params: { id: res.json.jobId }, as: 'reader' })).json;
    expect(job).toMatchObject({ kind: 'slots', status: 'succeeded', measure: { counter: 'slotsMoved', done: res.json.plan.slotCount, total: res.json.plan.slotCount } });
    expect(await fingerprint(own.cluster, [fourth.node])).toEqual(before);
    expect(await openSlots(allNodes())).toEqual([]);
    const check = await redisCliCheck(`${fourth.node.host}:${fourth.node.port}`, { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    // Every master now holds its share within 2 %, by DBSIZE.
    for (const n of [...own.cluster.masters, fourth.node]) {
      const size = Number(await redisText(n.host, n.port, ['DBSIZE']));
      expect(Math.abs(size - (UNIFORM + SKEWED) / 4) / ((UNIFORM + SKEWED) / 4)).toBeLessThanOrEqual(0.02);
    }
    const events = await cp.store.read(clusterStreamId('rb'));
    expect(events.find((e) => e.type === 'RedisClusterManager.Cluster.SlotMigrationStarted')?.data).toMatchObject({ operation: 'rebalance' });
    expect(events.find((e) => e.type === 'RedisClusterManager.Cluster.Resharded')?.data).toMatchObject({ operation: 'rebalance', slotsMoved: res.json.plan.slotCount, keysInMovedSlots: res.json.plan.keys });

    // Balanced now: the threshold holds every move back.
    const again = await rebalance({ weightBy: 'keys', threshold: 2, dryRun: true });
    expect(again.json).toMatchObject({ slotCount: 0, pairs: [], rebalance: { withinThreshold: true } });
    expect(await rebalance({ weightBy: 'keys', threshold: 2 })).toMatchObject({ status: 409, json: { code: 'nothing_to_move' } });
    expect(await client.get('u:0')).toBe('0:'.padEnd(100, 'x'));
  }, 180_000);
});
