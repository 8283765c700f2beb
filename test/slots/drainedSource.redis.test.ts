import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeNodeRoutes } from '../../shared/admin/slots/nodeRoutes';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { nodesListing, register, runToEnd } from './slotTestbed';

// Redis 7 turns a master that gave away its last slot into a replica of the new owner. A remove-node job that finds
// its source drained that way (here: every slot moved before the job's first chunk, as a crash after the last slot
// would leave it) must finish the forget phase, not fail because the source is "no master any more".
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'drained', [own.cluster.seeds[0] as { host: string; port: number }]);
});
afterAll(() => redisConnections.closeAll());

describe('remove-node whose source is already drained', () => {
  it('sees the pairs done once the targets own every slot, forgets and resets the node', async () => {
    const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const id2 = await redisText(m2.host, m2.port, ['CLUSTER', 'MYID']);
    const res = await callRoutes(cp, removeNodeRoutes, { method: 'POST', path: '/clusters/drained/slots/remove-node', params: { id: 'drained' }, body: { node: id2, latencyGuard: null }, as: 'admin' });
    expect(res.status).toBe(202);
    const pairs = res.json.plan.pairs as { to: { id: string; address: string }; slots: string }[];
    expect(pairs.length).toBe(2);
    // Move every planned slot (no keys) the way the saga does: IMPORTING then NODE on the target first, then NODE on
    // the others. The target must take each slot out of IMPORTING: only then does Redis bump its config epoch above the
    // source's (3, the highest here). Without that bump the source's gossip, or an UPDATE from a master not told yet,
    // gives the slots back to the source on the target, and once the source is told too no master claims them
    // (slots_uncovered): on a loaded machine a ping lands between the pipelines (reproduced with a 1.5 s pause there).
    for (const pair of pairs) {
      const slots = pair.slots.split(',').flatMap((r) => {
        const [a, b] = r.split('-').map(Number) as [number, number | undefined];
        return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
      });
      const target = own.cluster.masters.find((m) => `${m.host}:${m.port}` === pair.to.address) as RedisProcess;
      for (const node of [target, ...own.cluster.masters.filter((m) => m !== target)]) {
        const { Redis } = await import('ioredis');
        const redis = new Redis({ host: node.host, port: node.port });
        const pipeline = redis.pipeline();
        for (const slot of slots) {
          if (node === target) pipeline.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', id2);
          pipeline.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', pair.to.id);
        }
        // As the saga's announcements: a source that heard of its last slot's new owner first is a replica already.
        for (const [error] of (await pipeline.exec()) ?? []) if (error && (node === target || !/only with masters/.test(error.message))) throw error;
        redis.disconnect();
      }
    }
    // Every node agrees it is a replica now (so the job's layout no longer lists it among the masters).
    const seenAsReplica = async (): Promise<boolean> => (await Promise.all([m0, m1, m2].map((n) => redisText(n.host, n.port, ['CLUSTER', 'NODES'])))).every((v) => v.split('\n').some((l) => l.startsWith(id2) && l.includes('slave')));
    for (let i = 0; !(await seenAsReplica()); i++) {
      if (i > 200) throw new Error('the drained master did not turn into a replica everywhere');
      await new Promise((r) => setTimeout(r, 100));
    }
    const logged: string[] = [];
    const status = await runToEnd(cp, res.json.jobId, 100, (m) => logged.push(m));
    if (status !== 'succeeded') console.log(JSON.stringify((await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${res.json.jobId}`, params: { id: res.json.jobId }, as: 'reader' })).json), logged.join('\n'));
    expect(status).toBe('succeeded');
    expect(await nodesListing([m0, m1], id2)).toEqual([]);
    expect((await redisText(m2.host, m2.port, ['CLUSTER', 'NODES'])).trim().split('\n')).toHaveLength(1);
    const check = await redisCliCheck(`${m0.host}:${m0.port}`);
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true });
  }, 120_000);
});
