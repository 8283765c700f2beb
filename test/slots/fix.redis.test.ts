import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixRoutes } from '../../shared/admin/slots/fixRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { fill, fingerprint, openSlots, register, runToEnd } from './slotTestbed';

// Open slots left by an interrupted migration, repaired by fix without losing a key; a state fix will not guess at
// that redis-cli cannot fix is repaired too (the owner keeps the slot).
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
const ids = new Map<RedisProcess, string>();

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'fixme', own.cluster.seeds);
  for (const m of own.cluster.masters) ids.set(m, await redisText(m.host, m.port, ['CLUSTER', 'MYID']));
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'f:', 5000, 100);
  client.disconnect();
});
afterAll(() => redisConnections.closeAll());

const fix = (body: unknown = {}) => callRoutes(cp, fixRoutes, { method: 'POST', path: '/clusters/fixme/slots/fix', params: { id: 'fixme' }, body, as: 'operator' });
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);

describe('fix: open slots finished without losing a key', () => {
  it('half-migrated slot (both ends open, some keys moved) and a slot only MIGRATING', async () => {
    const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const before = await fingerprint(own.cluster);
    const direct = new Redis({ host: m0.host, port: m0.port });
    // Two slots of m0 (0-5460) that hold keys.
    const withKeys = [...new Set(Array.from({ length: 5000 }, (_, i) => keySlot(Buffer.from(`f:${i}`))).filter((s) => s <= 5460))];
    const [a, b] = withKeys.map(String) as [string, string];
    const keys = (await direct.call('CLUSTER', 'GETKEYSINSLOT', a, '100')) as string[];
    expect(keys.length).toBeGreaterThan(0);
    await cmd(m1, 'CLUSTER', 'SETSLOT', a, 'IMPORTING', ids.get(m0) ?? '');
    await cmd(m0, 'CLUSTER', 'SETSLOT', a, 'MIGRATING', ids.get(m1) ?? '');
    await direct.call('MIGRATE', m1.host, String(m1.port), '', '0', '5000', 'KEYS', keys[0] ?? '');
    await cmd(m0, 'CLUSTER', 'SETSLOT', b, 'MIGRATING', ids.get(m2) ?? '');
    direct.disconnect();
    const dry = await fix({ dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json.unfixable).toEqual([]);
    expect(dry.json.slotCount).toBe(2);
    const res = await fix({ latencyGuard: null });
    expect(res.status).toBe(202);
    expect(await runToEnd(cp, res.json.jobId)).toBe('succeeded');
    expect(await openSlots(own.cluster.masters)).toEqual([]);
    expect(await fingerprint(own.cluster)).toEqual(before);
    const check = await redisCliCheck(`${m0.host}:${m0.port}`, { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    expect((await cmd(m1, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))).toMatch(new RegExp(`\\b${a}\\b`));
  }, 120_000);

  it('a plan too large for one job is refused before the slot lock is taken: after settling most slots by hand, fix starts at once', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const direct = new Redis({ host: m0.host, port: m0.port });
    // Every other slot of m0 MIGRATING to m1: 2,001 separate repair steps, far over what one job row holds.
    const open = Array.from({ length: 2001 }, (_, i) => 2 * i);
    const pipeline = direct.pipeline();
    for (const slot of open) pipeline.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', ids.get(m1) ?? '');
    await pipeline.exec();
    const refused = await fix({ latencyGuard: null });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('fix_plan_too_large');
    // The user does what the refusal says: repairs most by hand, then runs fix again right away.
    const settle = direct.pipeline();
    for (const slot of open.slice(2)) settle.call('CLUSTER', 'SETSLOT', String(slot), 'STABLE');
    await settle.exec();
    direct.disconnect();
    const res = await fix({ latencyGuard: null });
    expect(res.json.code).toBeUndefined(); // was slot_operation_in_progress, naming a job that never existed, for 60 s
    expect(res.status).toBe(202);
    expect(await runToEnd(cp, res.json.jobId)).toBe('succeeded');
    expect(await openSlots(own.cluster.masters)).toEqual([]);
  }, 120_000);

  it('an importer whose source does not own the slot (redis-cli: "can\'t fix this slot yet"): closed, the owner keeps the slot', async () => {
    const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const slot = Number((await cmd(m0, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))?.split(' ')[8]?.split('-')[0]);
    const before = await fingerprint(own.cluster);
    await cmd(m2, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', ids.get(m1) ?? '');
    const dry = await fix({ dryRun: true });
    expect(dry.json.problems).toMatchObject([{ problem: 'open_slot', slots: String(slot), action: 'settle', owner: { id: ids.get(m0) } }]);
    const res = await fix({ latencyGuard: null });
    expect(res.status).toBe(202);
    expect(await runToEnd(cp, res.json.jobId)).toBe('succeeded');
    expect(await openSlots(own.cluster.masters)).toEqual([]);
    expect(await fingerprint(own.cluster)).toEqual(before);
    expect((await cmd(m0, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))).toMatch(new RegExp(`\\b${slot}\\b`));
  }, 60_000);
});
