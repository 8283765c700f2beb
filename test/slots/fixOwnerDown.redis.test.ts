import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixRoutes } from '../../shared/admin/slots/fixRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { runCommand } from '../helpers/processes';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { fill, fingerprint, openSlots, register, runToEnd } from './slotTestbed';

// A master down with no replica promoted (replica-no-failover): its slots are never reassigned without admin + force,
// because it may come back with its keys. redis-cli --cluster fix refuses too, unless --cluster-fix-with-unreachable-masters.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
let cp: ControlPlane;
const KEYS = 3000;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'downowner', own.cluster.seeds);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'd:', KEYS, 50);
  client.disconnect();
});
afterAll(() => redisConnections.closeAll());

const fix = (body: unknown, as: 'operator' | 'admin') => callRoutes(cp, fixRoutes, { method: 'POST', path: '/clusters/downowner/slots/fix', params: { id: 'downowner' }, body, as });
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const at = (n: RedisProcess): string => `${n.host}:${n.port}`;

describe('fix with a master down and no replica promoted', () => {
  it('operator: refused with the reason and the manual steps, nothing changes; admin + force: reassigned, the plan names the keys at risk', async () => {
    const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const r1 = own.cluster.replicas[1] as RedisProcess;
    const m1Id = await cmd(m1, 'CLUSTER', 'MYID');
    const m1Slots = new Set<number>();
    for (const line of (await cmd(m0, 'CLUSTER', 'NODES')).split('\n').filter((l) => l.startsWith(m1Id))) {
      for (const token of line.split(' ').slice(8)) {
        const [a, b] = token.split('-').map(Number);
        for (let s = a ?? 0; s <= (b ?? a ?? -1); s++) m1Slots.add(s);
      }
    }
    const onM1 = Array.from({ length: KEYS }, (_, i) => `d:${i}`).filter((k) => m1Slots.has(keySlot(Buffer.from(k))));
    await cmd(r1, 'CONFIG', 'SET', 'cluster-replica-no-failover', 'yes');
    // So the test can read every surviving key while the cluster is down (fix itself does not need it).
    await Promise.all([m0, m2].map((n) => cmd(n, 'CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes')));
    await m1.stop();
    const deadline = Date.now() + 30_000;
    while (!(await cmd(m0, 'CLUSTER', 'NODES')).split('\n').some((l) => l.startsWith(m1Id) && /\bfail\b/.test(l))) {
      if (Date.now() > deadline) throw new Error('m1 never marked failed');
      await new Promise((r) => setTimeout(r, 200));
    }
    const survivors = { ...own.cluster, masters: [m0, m2] };
    const before = await fingerprint(survivors);
    expect(before.keys).toBe(KEYS - onM1.length);

    // redis-cli refuses as well (it counts a failed master as unreachable).
    const theirs = await runCommand('redis-cli', ['--cluster', 'fix', at(m0), '--cluster-yes'], { timeoutMs: 60_000 });
    expect(theirs.code).not.toBe(0);
    expect(theirs.stdout + theirs.stderr).toMatch(/unreachable masters is dangerous/);

    const dry = await fix({ dryRun: true }, 'operator');
    expect(dry.status).toBe(200);
    expect(dry.json.unfixable).toMatchObject([{ problem: 'owner_down', slots: `${Math.min(...m1Slots)}-${Math.max(...m1Slots)}` }]);
    expect(dry.json.unfixable[0].reason).toContain(at(m1));
    expect(dry.json.unfixable[0].manualSteps).toContain(`CLUSTER FAILOVER FORCE on ${at(r1)}`);
    const refused = await fix({}, 'operator');
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('cannot_fix');
    expect((await fix({ force: true }, 'operator')).status).toBe(403);
    expect(await fingerprint(survivors)).toEqual(before);
    expect((await cmd(m0, 'CLUSTER', 'NODES')).split('\n').find((l) => l.startsWith(m1Id))).toMatch(/\d+-\d+/);

    const forcedPlan = await fix({ dryRun: true, force: true }, 'admin');
    expect(forcedPlan.json.unfixable).toEqual([]);
    const forced = (forcedPlan.json.problems as { problem: string; forced?: boolean; keysAtRisk?: number | null; slotCount: number }[]).filter((p) => p.problem === 'owner_down');
    expect(forced.every((p) => p.forced === true)).toBe(true);
    expect(forced.reduce((n, p) => n + p.slotCount, 0)).toBe(m1Slots.size);
    // The keys at risk are counted on the replica, which holds what m1 held.
    expect(forced[0]?.keysAtRisk).toBe(onM1.length);
    const res = await fix({ force: true, latencyGuard: null }, 'admin');
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    expect(await runToEnd(cp, res.json.jobId)).toBe('succeeded');
    expect(await openSlots([m0, m2])).toEqual([]);
    expect(await fingerprint(survivors)).toEqual(before);
    // Replicas cannot be told (SETSLOT is for masters): they learn the new owners by gossip, within a node timeout.
    let check = await redisCliCheck(at(m0), { searchMultipleOwners: true });
    for (let i = 0; i < 50 && !check.agree; i++) {
      await new Promise((r) => setTimeout(r, 200));
      check = await redisCliCheck(at(m0), { searchMultipleOwners: true });
    }
    expect(check, check.output).toMatchObject({ agree: true, allSlotsCovered: true, multipleOwners: [], migrating: [], importing: [] });
    const info = await cmd(m0, 'CLUSTER', 'INFO');
    expect(info).toMatch(/cluster_state:ok/);
  }, 120_000);
});
