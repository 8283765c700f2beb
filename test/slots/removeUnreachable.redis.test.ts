import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeNodeRoutes } from '../../shared/admin/slots/nodeRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { addEmptyMaster, fill, fingerprint, nodesListing, register, runToEnd } from './slotTestbed';

// remove-node of a node that does not answer: frozen (SIGSTOP: connections hang) or killed (-9: refused), before and
// after the cluster flags it `fail`, on a private 3-master cluster registered by its first master only.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
const spawned: RedisProcess[] = [];
const frozen = new Set<number>();
const KEYS = 3000;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'gone', [own.cluster.seeds[0] as { host: string; port: number }]);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'g:', KEYS, 100);
  client.disconnect();
});
afterAll(async () => {
  for (const pid of frozen) process.kill(pid, 'SIGCONT');
  await redisConnections.closeAll();
  await Promise.all(spawned.map((n) => n.stop()));
});

const post = (body: unknown, as: 'admin' | 'operator' = 'operator') => callRoutes(cp, removeNodeRoutes, { method: 'POST', path: '/clusters/gone/slots/remove-node', params: { id: 'gone' }, body, as });
const addr = (n: RedisProcess): string => `${n.host}:${n.port}`;
const freeze = (n: RedisProcess): void => {
  process.kill(n.pid, 'SIGSTOP');
  frozen.add(n.pid);
};
const thaw = (n: RedisProcess): void => {
  process.kill(n.pid, 'SIGCONT');
  frozen.delete(n.pid);
};
/** The flags the first master gives `id` (`master,fail?`, `slave,fail`, …). */
const flagsOf = async (id: string): Promise<string> => (await redisText(own.cluster.masters[0]?.host ?? '', own.cluster.masters[0]?.port ?? 0, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.startsWith(id))?.split(' ')[2] ?? 'absent';
const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
/** Runs the job to its end, bounded: a remove-node that hangs fails the test instead of the suite's timeout. */
const finish = async (jobId: string, boundMs: number): Promise<{ status: string; ms: number; error: unknown }> => {
  const started = Date.now();
  const status = await Promise.race([runToEnd(cp, jobId, 60).catch((e: unknown) => String(e)), new Promise<string>((r) => setTimeout(() => r(`still running after ${boundMs} ms`), boundMs))]);
  const job = (await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${jobId}`, params: { id: jobId }, as: 'reader' })).json;
  return { status, ms: Date.now() - started, error: job.error };
};

describe('remove-node of a node that does not answer', () => {
  it('a frozen master that owns slots is refused (409 failed_node_owns_slots) naming failover, and nothing changes', async () => {
    const owner = own.cluster.masters[2] as RedisProcess;
    const ownerId = await redisText(owner.host, owner.port, ['CLUSTER', 'MYID']);
    freeze(owner);
    try {
      const res = await post({ node: ownerId }, 'admin');
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json.code).toBe('failed_node_owns_slots');
      expect(res.json.detail).toMatch(/failover/);
    } finally {
      thaw(owner);
    }
    // The cluster heals once it answers again (the fail flag of a master with slots is undone).
    await waitFor('the cluster to be ok again', async () => (await Promise.all(own.cluster.masters.map((m) => redisText(m.host, m.port, ['CLUSTER', 'INFO'])))).every((i) => i.includes('cluster_state:ok')));
    expect(await flagsOf(ownerId)).toBe('master');
  }, 60_000);

  for (const how of ['frozen before the cluster flags it', 'frozen and flagged fail', 'killed (-9)'] as const) {
    it(`an empty master ${how}: operator refused, admin without force 409, admin + force forgets it everywhere in bounded time`, async () => {
      const before = await fingerprint(own.cluster);
      const { node, id } = await addEmptyMaster(own.cluster);
      spawned.push(node);
      if (how === 'killed (-9)') {
        process.kill(node.pid, 'SIGKILL');
        await node.exited;
      } else freeze(node);
      if (how !== 'frozen before the cluster flags it') await waitFor(`${id} flagged fail`, async () => /fail(?!\?)/.test(await flagsOf(id)));
      else expect(await flagsOf(id)).not.toMatch(/fail/);

      const plan = await post({ node: id, dryRun: true });
      expect(plan.status).toBe(200);
      expect(plan.json).toMatchObject({ node: { id, slots: 0, reachable: false }, drain: null, reset: false });
      expect(plan.json.risks).toEqual([expect.objectContaining({ code: 'node_unreachable', dataLoss: true })]);
      expect(await post({ node: id, force: true })).toMatchObject({ status: 403 });
      const unforced = await post({ node: id }, 'admin');
      expect(unforced).toMatchObject({ status: 409, json: { code: 'plan_has_data_loss_risk' } });
      expect(unforced.headers['content-type']).toContain('application/problem+json');

      const res = await post({ node: id, force: true }, 'admin');
      expect(res.status).toBe(202);
      const done = await finish(res.json.jobId, 40_000);
      expect(done, JSON.stringify(done)).toMatchObject({ status: 'succeeded' });
      expect(await nodesListing(own.cluster.nodes, id)).toEqual([]);
      const check = await redisCliCheck(addr(own.cluster.masters[0] as RedisProcess), { searchMultipleOwners: true });
      expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
      expect(check.output).not.toContain(id);
      expect(await fingerprint(own.cluster)).toEqual(before);
      if (how !== 'killed (-9)') {
        // Thawed, it still believes it is a member; the others ignore it (FORGET bans it for 60 s, and a PING from a
        // node one does not know adds nothing): it stays out until someone MEETs it again.
        thaw(node);
        await new Promise((r) => setTimeout(r, 1500));
        expect(await nodesListing(own.cluster.nodes, id)).toEqual([]);
      }
    }, 90_000);
  }

  it('a healthy node while another master is frozen: refused (409 cluster_not_ready naming the frozen one: it could not be told to forget), then removed once it answers', async () => {
    const { node, id } = await addEmptyMaster(own.cluster);
    spawned.push(node);
    const other = own.cluster.masters[2] as RedisProcess;
    freeze(other);
    try {
      const res = await post({ node: id });
      expect(res).toMatchObject({ status: 409, json: { code: 'cluster_not_ready' } });
      expect(res.json.detail).toContain(addr(other));
    } finally {
      thaw(other);
    }
    await waitFor('the cluster to be ok again', async () => (await Promise.all(own.cluster.masters.map((m) => redisText(m.host, m.port, ['CLUSTER', 'INFO'])))).every((i) => i.includes('cluster_state:ok')));
    const res = await post({ node: id });
    expect(res.status).toBe(202);
    expect(await finish(res.json.jobId, 40_000)).toMatchObject({ status: 'succeeded' });
    expect(await nodesListing(own.cluster.nodes, id)).toEqual([]);
  }, 90_000);
});
