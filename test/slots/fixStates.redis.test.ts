import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../shared/admin/health/assessHealth';
import { healthRoutes } from '../../shared/admin/health/healthRoutes';
import { fixRoutes } from '../../shared/admin/slots/fixRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { jobRuntime } from '../../shared/platform/jobs/jobRuntime';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { fill, fingerprint, fingerprintOf, openSlots, register, runToEnd } from './slotTestbed';

// Every slot state health reports, built on a real cluster, repaired by one fix without losing a key: afterwards
// redis-cli --cluster check (with --cluster-search-multiple-owners) is clean, every key has its value, health agrees.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
const ids = new Map<RedisProcess, string>();
const KEYS = 5000;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'states', own.cluster.seeds);
  for (const m of own.cluster.masters) ids.set(m, await redisText(m.host, m.port, ['CLUSTER', 'MYID']));
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 's:', KEYS, 100);
  client.disconnect();
});
afterAll(() => redisConnections.closeAll());

const fix = (body: unknown = {}, as: 'operator' | 'admin' = 'operator') => callRoutes(cp, fixRoutes, { method: 'POST', path: '/clusters/states/slots/fix', params: { id: 'states' }, body, as });
const health = async (): Promise<HealthReport> => (await callRoutes(cp, healthRoutes, { method: 'GET', path: '/clusters/states/health', params: { id: 'states' }, as: 'reader' })).json as HealthReport;
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const id = (n: RedisProcess): string => ids.get(n) ?? '';
type Pair = [number, string[]];
const SLOT_CODES = ['config_disagreement', 'slot_migrating', 'slot_importing', 'slots_not_covered', 'slot_multiple_owners'];

/** Slots (with how many of the test's keys) in [lo, hi]. */
function keysBySlot(lo: number, hi: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (let i = 0; i < KEYS; i++) {
    const key = `s:${i}`;
    const slot = keySlot(Buffer.from(key));
    if (slot >= lo && slot <= hi) out.set(slot, [...(out.get(slot) ?? []), key]);
  }
  return out;
}

/** A key (hash tag) in `slot`. */
function keyInSlot(slot: number, suffix: string): string {
  for (let i = 0; ; i++) if (keySlot(Buffer.from(`{t${i}}`)) === slot) return `{t${i}}:${suffix}`;
}

/** Writes `key` on `node` in a slot it does not own (IMPORTING + ASKING, then STABLE unless `keepImporting`). */
async function plant(node: RedisProcess, slot: number, fromId: string, key: string, value: string, keepImporting = false): Promise<void> {
  await cmd(node, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId);
  const redis = new Redis({ host: node.host, port: node.port });
  const replies = (await redis.pipeline().call('ASKING').set(key, value).exec()) ?? [];
  redis.disconnect();
  if (replies[1]?.[0]) throw replies[1][0];
  if (!keepImporting) await cmd(node, 'CLUSTER', 'SETSLOT', String(slot), 'STABLE');
}

async function migrateOne(from: RedisProcess, to: RedisProcess, key: string): Promise<void> {
  await cmd(from, 'MIGRATE', to.host, String(to.port), key, '0', '5000');
}

async function expectRepaired(expected: { keys: number; checksum: string }): Promise<void> {
  expect(await openSlots(own.cluster.masters)).toEqual([]);
  expect(await fingerprint(own.cluster)).toEqual(expected);
  const [m0] = own.cluster.masters as [RedisProcess];
  const check = await redisCliCheck(`${m0.host}:${m0.port}`, { searchMultipleOwners: true });
  expect(check, check.output).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [], migrating: [], importing: [] });
  const report = await health();
  expect(report.redisCliVerdict).toBe('ok');
  expect(report.findings.filter((f) => SLOT_CODES.includes(f.code))).toEqual([]);
}

describe('fix repairs every slot state health reports, in one plan', () => {
  it('open slots in every combination, keys outside their owner, uncovered slots with and without keys', async () => {
    const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    // Slots of m0 (0-5460) and m2 (10923-16383) holding at least two of the test's keys.
    const m0Slots = [...keysBySlot(0, 5460)].filter(([, k]) => k.length >= 2);
    const m2Slots = [...keysBySlot(10923, 16383)].filter(([, k]) => k.length >= 2);
    const [[twoImporters, k1], [importerWithKeys, k2], [wrongImporter], [migAndImpElsewhere, k4], [abandoned, k5]] = m0Slots as [Pair, Pair, Pair, Pair, Pair];
    // 1. two importers: m0 MIGRATING to m1, m1 and m2 IMPORTING from m0, one key already on m1 (redis-cli's case 3).
    await cmd(m1, 'CLUSTER', 'SETSLOT', String(twoImporters), 'IMPORTING', id(m0));
    await cmd(m2, 'CLUSTER', 'SETSLOT', String(twoImporters), 'IMPORTING', id(m0));
    await cmd(m0, 'CLUSTER', 'SETSLOT', String(twoImporters), 'MIGRATING', id(m1));
    await migrateOne(m0, m1, k1?.[0] ?? '');
    // 2. importing with no migrator, the importer holding keys (the owner was closed with STABLE mid-move).
    await cmd(m1, 'CLUSTER', 'SETSLOT', String(importerWithKeys), 'IMPORTING', id(m0));
    await cmd(m0, 'CLUSTER', 'SETSLOT', String(importerWithKeys), 'MIGRATING', id(m1));
    await migrateOne(m0, m1, k2?.[0] ?? '');
    await cmd(m0, 'CLUSTER', 'SETSLOT', String(importerWithKeys), 'STABLE');
    // 3. an importer whose source does not own the slot, holding a key of its own (redis-cli: can't fix).
    await plant(m2, wrongImporter as number, id(m1), keyInSlot(wrongImporter as number, 'planted'), 'planted-value', true);
    // 4. migrating on the owner to m1, importing on m2 (not the target), a key already on m2.
    await cmd(m2, 'CLUSTER', 'SETSLOT', String(migAndImpElsewhere), 'IMPORTING', id(m0));
    await cmd(m0, 'CLUSTER', 'SETSLOT', String(migAndImpElsewhere), 'MIGRATING', id(m1));
    await migrateOne(m0, m2, k4?.[0] ?? '');
    // 5. a key left on m1 by a migration abandoned with SETSLOT STABLE on both ends.
    await cmd(m1, 'CLUSTER', 'SETSLOT', String(abandoned), 'IMPORTING', id(m0));
    await cmd(m0, 'CLUSTER', 'SETSLOT', String(abandoned), 'MIGRATING', id(m1));
    await migrateOne(m0, m1, k5?.[0] ?? '');
    await cmd(m0, 'CLUSTER', 'SETSLOT', String(abandoned), 'STABLE');
    await cmd(m1, 'CLUSTER', 'SETSLOT', String(abandoned), 'STABLE');
    // 6. uncovered: a slot of m2 with keys deleted everywhere (keys stay on m2), 7. one with keys on m2 and a key planted on m1.
    const [[uncoveredOne], [uncoveredTwo]] = m2Slots as [Pair, Pair];
    const empty = [...Array.from({ length: 200 }, (_, i) => 16000 + i)].filter((s) => !keysBySlot(s, s).size).slice(0, 3);
    await plant(m1, uncoveredTwo as number, id(m2), keyInSlot(uncoveredTwo as number, 'on-m1'), 'second-holder');
    for (const s of [uncoveredOne as number, uncoveredTwo as number, ...empty]) await Promise.all(own.cluster.masters.map((n) => cmd(n, 'CLUSTER', 'DELSLOTS', String(s)).catch(() => '')));
    // Stray keys cannot be read where they are (MOVED): the expected state is computed from what was written.
    const before = fingerprintOf([...Array.from({ length: KEYS }, (_, i): [string, string] => [`s:${i}`, `${i}:`.padEnd(100, 'x')]), [keyInSlot(wrongImporter as number, 'planted'), 'planted-value'], [keyInSlot(uncoveredTwo as number, 'on-m1'), 'second-holder']]);

    const dry = await fix({ dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json.unfixable).toEqual([]);
    const problems = dry.json.problems as { problem: string; slots: string; action: string; owner?: { address: string }; from?: { address: string }; detail: string }[];
    const of = (slot: number) => problems.find((p) => p.slots.split(',').some((r) => { const [a, b] = r.split('-').map(Number); return slot >= (a ?? -1) && slot <= (b ?? a ?? -1); }));
    const at = (n: RedisProcess): string => `${n.host}:${n.port}`;
    expect(of(twoImporters as number)).toMatchObject({ problem: 'open_slot', action: 'move', from: { address: at(m0) }, owner: { address: at(m1) } });
    expect(of(twoImporters as number)?.detail).toMatch(/importing closed on/);
    expect(of(importerWithKeys as number)).toMatchObject({ problem: 'open_slot', action: 'move', owner: { address: at(m1) } });
    expect(of(wrongImporter as number)).toMatchObject({ problem: 'open_slot', action: 'settle', owner: { address: at(m0) } });
    expect(of(migAndImpElsewhere as number)).toMatchObject({ problem: 'open_slot', action: 'settle', owner: { address: at(m0) } });
    expect(of(abandoned as number)).toMatchObject({ problem: 'keys_in_unowned_slot', action: 'settle', owner: { address: at(m0) } });
    expect(of(uncoveredOne as number)).toMatchObject({ problem: 'slots_not_covered', action: 'settle', owner: { address: at(m2) } });
    expect(of(uncoveredTwo as number)).toMatchObject({ problem: 'slots_not_covered', action: 'settle', owner: { address: at(m2) } });
    for (const s of empty) expect(of(s)).toMatchObject({ problem: 'slots_not_covered', action: 'settle' });

    const res = await fix({ latencyGuard: null });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const status = await runToEnd(cp, res.json.jobId);
    expect(status, JSON.stringify((await (await jobRuntime(cp)).store.get(res.json.jobId))?.job.error)).toBe('succeeded');
    await expectRepaired(before);
    // The planted keys sit with their slot's owner now.
    const owner = async (n: RedisProcess, slot: number): Promise<boolean> => (await cmd(n, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot))) !== '0';
    expect(await owner(m0, wrongImporter as number)).toBe(true);
    expect(await owner(m2, uncoveredTwo as number)).toBe(true);
    const fixed = (await cp.store.read(clusterStreamId('states'))).filter((e) => e.type === 'RedisClusterManager.Cluster.Fixed');
    expect(new Set(fixed.map((e) => (e.data as { problem: string }).problem))).toEqual(new Set(['open_slot', 'keys_in_unowned_slot', 'slots_not_covered']));
  }, 180_000);

  it('a key outside its owner whose owner holds a different value: the job fails naming the key, nothing is overwritten or deleted', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess];
    // A slot m0 still owns with keys (the first test moved two of its slots to m1).
    let pick: Pair | undefined;
    for (const candidate of keysBySlot(0, 5460)) if (!pick && (await cmd(m0, 'CLUSTER', 'COUNTKEYSINSLOT', String(candidate[0]))) !== '0') pick = candidate;
    const [slot, keys] = pick as Pair;
    const key = keys?.[0] ?? '';
    await plant(m1, slot as number, id(m0), key, 'a different value');
    const res = await fix({ latencyGuard: null });
    expect(res.status).toBe(202);
    expect(await runToEnd(cp, res.json.jobId)).toBe('failed');
    const job = await (await jobRuntime(cp)).store.get(res.json.jobId);
    expect(job?.job.error?.code).toBe('busykey_conflict');
    expect(job?.job.error?.message).toContain(Buffer.from(key).toString('base64'));
    // Both values are still there: the owner's and the stray copy (ASKING: the slot is left IMPORTING on m1).
    expect(await cmd(m0, 'GET', key)).toMatch(/^\d+:x+$/);
    const stray = new Redis({ host: m1.host, port: m1.port });
    const [, [, value]] = ((await stray.pipeline().call('ASKING').get(key).exec()) ?? []) as [unknown, [unknown, string]];
    stray.disconnect();
    expect(value).toBe('a different value');
    // Clean up: drop the stray copy and let fix close the slot.
    const cleaner = new Redis({ host: m1.host, port: m1.port });
    await cleaner.pipeline().call('ASKING').del(key).exec();
    cleaner.disconnect();
    const again = await fix({ latencyGuard: null });
    expect(again.status).toBe(202);
    expect(await runToEnd(cp, again.json.jobId)).toBe('succeeded');
    expect(await openSlots(own.cluster.masters)).toEqual([]);
  }, 120_000);

  it('nothing wrong: 409 nothing_to_fix; bad input: 400 with the field; force needs admin', async () => {
    expect((await fix()).json.code).toBe('nothing_to_fix');
    const bad = await fix({ dryRun: 'yes' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('dryRun');
    expect((await fix({ force: true })).status).toBe(403);
  });
});
