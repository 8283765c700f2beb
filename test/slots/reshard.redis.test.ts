import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reshardRoutes } from '../../shared/admin/slots/slotRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { addEmptyMaster, fill, fingerprint, openSlots, register, runToEnd } from './slotTestbed';

// A private 3-master cluster plus an empty 4th master; a third of the slots move to it through the API.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
let fourth: { node: RedisProcess; id: string };
let client: Cluster;
const KEYS = 20_000;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'main', own.cluster.seeds);
  fourth = await addEmptyMaster(own.cluster);
  client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true, redisOptions: { connectTimeout: 5000 } });
  await fill(client, 'k:', KEYS, 100);
  // One big hash (≈ 300 KB) that must move alone.
  const big = client.pipeline();
  for (let i = 0; i < 3000; i++) big.hset('big:{h}', `f${i}`, 'v'.repeat(100));
  await big.exec();
});
afterAll(async () => {
  client.disconnect();
  await redisConnections.closeAll();
  await fourth?.node.stop();
});

const reshard = (body: unknown, as: 'admin' | 'operator' | 'reader' = 'operator') => callRoutes(cp, reshardRoutes, { method: 'POST', path: '/clusters/main/slots/reshard', params: { id: 'main' }, body, as });
const allNodes = (): RedisProcess[] => [...own.cluster.nodes, fourth.node];

describe('reshard through the API: plan, then a resumable saga', () => {
  it('refuses bad input with the field, unknown nodes, readers, and changes nothing', async () => {
    // Slot ownership and flags as every node sees them (ping/pong times left out: they change by themselves).
    const layout = async (): Promise<string[]> =>
      (await Promise.all(allNodes().map((n) => redisText(n.host, n.port, ['CLUSTER', 'NODES'])))).flatMap((v) => v.split('\n').map((l) => l.split(' ').filter((_, i) => i !== 4 && i !== 5).join(' '))).sort();
    const before = await layout();
    const both = await reshard({ to: fourth.id, slots: 10, ranges: [[0, 1]] });
    expect(both.status).toBe(400);
    expect(both.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(both.json.errors)).toContain('slots');
    const badRange = await reshard({ to: fourth.id, ranges: [[10, 5]] });
    expect(badRange.status).toBe(400);
    const unknown = await reshard({ to: 'f'.repeat(40), slots: 10 });
    expect(unknown).toMatchObject({ status: 400, json: { code: 'unknown_node' } });
    expect((await reshard({ to: fourth.id, slots: 10 }, 'reader')).status).toBe(403);
    expect((await reshard({ to: fourth.id, slots: 99999 })).status).toBe(400);
    expect(await layout()).toEqual(before);
  });

  it('dry run: slots, exact keys (COUNTKEYSINSLOT), sampled bytes, big keys, risks, duration; nothing changes', async () => {
    const res = await reshard({ to: fourth.id, slots: 5461, dryRun: true, bigKeyBytes: 100_000 });
    expect(res.status).toBe(200);
    const plan = res.json;
    expect(plan.slotCount).toBe(5461);
    expect(plan.pairs).toHaveLength(3);
    // Exact: the keys of the planned slots, counted by the test from the key names.
    const planned = new Set<number>();
    for (const p of plan.pairs) for (const r of String(p.slots).split(',')) {
      const [a, b] = r.split('-').map(Number) as [number, number | undefined];
      for (let s = a; s <= (b ?? a); s++) planned.add(s);
    }
    let expected = planned.has(keySlot(Buffer.from('h'))) ? 1 : 0;
    for (let i = 0; i < KEYS; i++) if (planned.has(keySlot(Buffer.from(`k:${i}`)))) expected++;
    expect(plan.keys).toBe(expected);
    expect(plan.estimatedBytes).toBeGreaterThan(expected * 50);
    expect(plan.risks.map((r: { code: string }) => r.code)).toContain('target_without_replica');
    expect(plan.expectedDurationSeconds).toBeGreaterThan(0);
    expect(await openSlots(allNodes())).toEqual([]);
    expect(Number(/cluster_my_epoch:(\d+)/.exec(await redisText(fourth.node.host, fourth.node.port, ['CLUSTER', 'INFO']))?.[1])).toBe(0);
  });

  it('moves a third of the slots without losing or duplicating a key, resolving a key left on both nodes by an interrupted MIGRATE', async () => {
    const before = await fingerprint(own.cluster, [fourth.node]);
    expect(before.keys).toBe(KEYS + 1);
    const res = await reshard({ to: fourth.id, slots: 5461, bigKeyBytes: 100_000, latencyGuard: null });
    expect(res.status).toBe(202);
    expect(res.headers['location']).toBe(`/api/jobs/${res.json.jobId}`);
    // A second slot operation on the same cluster waits for this one.
    expect((await reshard({ to: fourth.id, slots: 1 })).json.code).toBe('slot_operation_in_progress');

    // Before the job runs: the state an IOERR/timeout leaves mid-MIGRATE (restored on the target, still on the
    // source, slot open on both) on the first slot of the first pair.
    const firstPair = res.json.plan.pairs[0];
    const slot = Number(String(firstPair.slots).split(/[-,]/)[0]);
    const source = own.cluster.masters.find((m) => firstPair.from.address === `${m.host}:${m.port}`) as RedisProcess;
    const direct = new Redis({ host: source.host, port: source.port });
    const [key] = (await direct.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '1')) as string[];
    expect(key).toBeDefined();
    await redisText(fourth.node.host, fourth.node.port, ['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', firstPair.from.id]);
    await redisText(source.host, source.port, ['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', fourth.id]);
    await direct.call('MIGRATE', fourth.node.host, String(fourth.node.port), key ?? '', '0', '5000', 'COPY');
    direct.disconnect();

    expect(await runToEnd(cp, res.json.jobId)).toBe('succeeded');
    const job = (await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${res.json.jobId}`, params: { id: res.json.jobId }, as: 'reader' })).json;
    expect(job.progress).toMatchObject({ slotsMoved: 5461, bigKeys: expect.any(Number), busyKeysResolved: 1 });
    // The progress the console draws: slots moved against the plan's slot count (exact), 100 % once done.
    expect(job).toMatchObject({ measure: { counter: 'slotsMoved', done: 5461, total: 5461, exact: true }, percent: 100, etaSeconds: 0, progress: { total: 5461 } });
    const after = await fingerprint(own.cluster, [fourth.node]);
    expect(after).toEqual(before);
    expect(await openSlots(allNodes())).toEqual([]);
    const check = await redisCliCheck(`${fourth.node.host}:${fourth.node.port}`, { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    const slots = (await redisText(fourth.node.host, fourth.node.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself')) ?? '';
    expect(slots).toContain(String(slot));
    // Every key still readable through a cluster client (routing follows the new owners).
    expect(await client.get('k:0')).toBe('0:'.padEnd(100, 'x'));
    const events = (await cp.store.read(clusterStreamId('main'))).map((e) => e.type);
    expect(events).toContain('RedisClusterManager.Cluster.SlotMigrationStarted');
    const resharded = (await cp.store.read(clusterStreamId('main'))).find((e) => e.type === 'RedisClusterManager.Cluster.Resharded');
    expect(resharded?.data).toMatchObject({ slotsMoved: 5461, keysInMovedSlots: res.json.plan.keys, busyKeysResolved: 1 });
  }, 180_000);
});
