import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { addNodeRoutes, failoverRoutes, removeNodeRoutes } from '../../shared/admin/slots/nodeRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { redisText, spawnRedis, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { fill, fingerprint, nodesListing, openSlots, register, runToEnd, spawnLoneNode } from './slotTestbed';

// add-node, failover and remove-node through the API on a private 3-master cluster (registered by its first master
// only, so the others may be removed), with nodes the test starts beside it.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
const spawned: RedisProcess[] = [];
const KEYS = 5000;
type Role = 'admin' | 'operator' | 'reader';

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'nodes', [own.cluster.seeds[0] as { host: string; port: number }]);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'n:', KEYS, 100);
  client.disconnect();
});
afterAll(async () => {
  await redisConnections.closeAll();
  await Promise.all(spawned.map((n) => n.stop()));
});

const post = (routes: typeof addNodeRoutes, op: string, body: unknown, as: Role = 'operator', cluster = 'nodes') => callRoutes(cp, routes, { method: 'POST', path: `/clusters/${cluster}/slots/${op}`, params: { id: cluster }, body, as });
/** add-node as admin: an address that is not a node of the cluster yet needs it (addNodeRole.redis.test.ts). */
const addNode = (body: unknown, as: Role = 'admin') => post(addNodeRoutes, 'add-node', body, as);
const lone = async (): Promise<{ node: RedisProcess; id: string; address: string }> => {
  const n = await spawnLoneNode();
  spawned.push(n.node);
  return { ...n, address: `${n.node.host}:${n.node.port}` };
};
const addr = (n: RedisProcess): string => `${n.host}:${n.port}`;
const idOf = (n: RedisProcess): Promise<string> => redisText(n.host, n.port, ['CLUSTER', 'MYID']);
const all = (): RedisProcess[] => [...own.cluster.nodes, ...spawned];
/** Runs the job to its end; the job (status, error) is what a failure shows. */
const finish = async (jobId: string): Promise<Record<string, unknown>> => {
  const logged: string[] = [];
  const status = await Promise.race([runToEnd(cp, jobId, 60, (m) => logged.push(m)).catch((e: unknown) => String(e)), new Promise((r) => setTimeout(() => r('still running after 50 s'), 50_000))]);
  const job = (await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${jobId}`, params: { id: jobId }, as: 'reader' })).json;
  if (status !== 'succeeded') console.log(`job ${jobId}: ${String(status)} ${JSON.stringify(job.error)} ${JSON.stringify(job.result)}\n${logged.join('\n')}`);
  return { status, error: job.error, result: job.result };
};
const events = async (type: string) => (await cp.store.read(clusterStreamId('nodes'))).filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);

describe('node operations through the API: plan, then a resumable saga', () => {
  let n1: Awaited<ReturnType<typeof lone>>;
  let n2: Awaited<ReturnType<typeof lone>>;
  let n3: Awaited<ReturnType<typeof lone>>;

  it('add-node refuses bad input with the field, refused addresses, nodes that cannot join, and changes nothing', async () => {
    const bad = await addNode({ address: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(bad.json.errors)).toContain('address');
    expect((await addNode({ address: '127.0.0.1:6379', extra: 1 })).status).toBe(400);
    const metadata = await addNode({ address: '169.254.169.254:6379' });
    expect(metadata).toMatchObject({ status: 400, json: { code: 'node_address_refused' } });
    expect(JSON.stringify(metadata.json.errors)).toContain('address');
    expect((await addNode({ address: '[::ffff:a9fe:a9fe]:6379' })).json.code).toBe('node_address_refused');
    expect((await post(addNodeRoutes, 'add-node', { address: '127.0.0.1:6379' }, 'reader')).status).toBe(403);
    const member = await addNode({ address: addr(own.cluster.masters[1] as RedisProcess), dryRun: true }, 'operator');
    expect(member).toMatchObject({ status: 409, json: { code: 'node_already_member' } });
    // A standalone server, a node with keys, a port nobody listens on: 422 naming why.
    const standalone = await spawnRedis({});
    spawned.push(standalone);
    expect((await addNode({ address: addr(standalone) })).json.code).toBe('node_not_cluster_enabled');
    const full = await lone();
    // Keys without slots (a lone cluster node serves no slot, so they are written while it owns them all).
    await redisText(full.node.host, full.node.port, ['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
    for (let i = 0; !(await redisText(full.node.host, full.node.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok'); i++) {
      if (i > 100) throw new Error('lone node never served its slots');
      await new Promise((r) => setTimeout(r, 100));
    }
    await redisText(full.node.host, full.node.port, ['SET', 'x', '1']);
    await redisText(full.node.host, full.node.port, ['CLUSTER', 'DELSLOTSRANGE', '0', '16383']);
    const notEmpty = await addNode({ address: full.address });
    expect(notEmpty).toMatchObject({ status: 422, json: { code: 'node_not_empty' } });
    expect(JSON.stringify(notEmpty.json.errors)).toContain('address');
    expect((await addNode({ address: `127.0.0.1:${standalone.port + 1}` })).json.code).toMatch(/node_unreachable|node_not_cluster_enabled/);
    const unknownMaster = await addNode({ address: full.address, replicaOf: 'f'.repeat(40) });
    expect(unknownMaster).toMatchObject({ status: 400, json: { code: 'unknown_node' } });
    expect(await nodesListing(own.cluster.nodes, full.id)).toEqual([]);
    expect((await redisText(full.node.host, full.node.port, ['CLUSTER', 'NODES'])).trim().split('\n')).toHaveLength(1);
  });

  it('adds an empty master and two replicas: plan, job, every node lists each in its role, NodeAdded', async () => {
    n1 = await lone();
    const plan = await addNode({ address: n1.address, dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.json).toMatchObject({ operation: 'add-node', role: 'master', node: { id: n1.id, address: n1.address }, nodesToLearn: 3 });
    expect(plan.json.risks.map((r: { code: string }) => r.code)).toContain('master_without_slots');
    expect((await redisText(n1.node.host, n1.node.port, ['CLUSTER', 'NODES'])).trim().split('\n')).toHaveLength(1);
    const started = await addNode({ address: n1.address });
    expect(started.status).toBe(202);
    expect(started.headers['location']).toBe(`/api/jobs/${started.json.jobId}`);
    expect(await finish(started.json.jobId)).toMatchObject({ status: 'succeeded' });
    expect(await nodesListing(own.cluster.nodes, n1.id)).toHaveLength(3);

    const [, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    n2 = await lone();
    n3 = await lone();
    const replicaPlan = await addNode({ address: n2.address, replicaOf: addr(m1), dryRun: true });
    expect(replicaPlan.json).toMatchObject({ role: 'replica', replicaOf: { id: await idOf(m1) } });
    expect(replicaPlan.json.risks.map((r: { code: string }) => r.code)).toContain('full_sync');
    for (const [n, master] of [[n2, m1], [n3, m2]] as const) {
      const res = await addNode({ address: n.address, replicaOf: await idOf(master) });
      expect(res.status).toBe(202);
      expect(await finish(res.json.jobId)).toMatchObject({ status: 'succeeded' });
      const self = (await redisText(n.node.host, n.node.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself')) ?? '';
      expect(self).toContain(`slave ${await idOf(master)}`);
      expect(await redisText(n.node.host, n.node.port, ['INFO', 'replication'])).toContain('master_link_status:up');
    }
    const added = await events('RedisClusterManager.Cluster.NodeAdded');
    expect(added.map((e) => [e['nodeId'], e['role']])).toEqual([[n1.id, 'master'], [n2.id, 'replica'], [n3.id, 'replica']]);
    const check = await redisCliCheck(addr(m1));
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true });
  }, 120_000);

  it('failover: the plan shows lag and the master; TAKEOVER needs admin + force; the default mode promotes the replica', async () => {
    const m1 = own.cluster.masters[1] as RedisProcess;
    const plan = await post(failoverRoutes, 'failover', { replica: n2.address, dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.json).toMatchObject({ mode: 'default', replica: { id: n2.id }, master: { id: await idOf(m1), reachable: true }, slots: 5461, replicationLagBytes: expect.any(Number) });
    const takeover = await post(failoverRoutes, 'failover', { replica: n2.address, mode: 'takeover', force: true });
    expect(takeover).toMatchObject({ status: 403, json: { code: 'failover_mode_needs_admin' } });
    expect((await post(failoverRoutes, 'failover', { replica: n2.address, mode: 'takeover' }, 'admin')).json.code).toBe('failover_mode_needs_force');
    expect((await post(failoverRoutes, 'failover', { replica: addr(m1) })).json).toMatchObject({ code: 'not_a_replica' });
    expect((await post(failoverRoutes, 'failover', { replica: n2.address, mode: 'sideways' })).status).toBe(400);
    const res = await post(failoverRoutes, 'failover', { replica: n2.address });
    expect(res.status).toBe(202);
    expect(await finish(res.json.jobId)).toMatchObject({ status: 'succeeded' });
    expect(await redisText(n2.node.host, n2.node.port, ['ROLE'])).toMatch(/^master/);
    expect((await redisText(m1.host, m1.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself'))).toContain(`slave ${n2.id}`);
    expect(await events('RedisClusterManager.Cluster.FailedOver')).toEqual([expect.objectContaining({ promotedId: n2.id, formerMasterId: await idOf(m1), mode: 'default', slots: 5461 })]);
  }, 120_000);

  it('remove-node: a replica and an empty master as operator; a registered endpoint is refused', async () => {
    const seed = own.cluster.masters[0] as RedisProcess;
    expect((await post(removeNodeRoutes, 'remove-node', { node: addr(seed) })).json.code).toBe('node_is_registered_endpoint');
    expect((await post(removeNodeRoutes, 'remove-node', { node: 'f'.repeat(40) })).json).toMatchObject({ code: 'unknown_node' });
    for (const n of [n3, n1]) {
      const plan = await post(removeNodeRoutes, 'remove-node', { node: n.id, dryRun: true });
      expect(plan.status).toBe(200);
      expect(plan.json).toMatchObject({ node: { id: n.id, slots: 0 }, drain: null, reset: true });
      // Every other member, replicas included: 3 masters, n1, n2 (and n3 while it is there).
      expect(plan.json.forgetOn).toHaveLength(n === n3 ? 5 : 4);
      const res = await post(removeNodeRoutes, 'remove-node', { node: n.id });
      expect(res.status).toBe(202);
      expect(await finish(res.json.jobId)).toMatchObject({ status: 'succeeded' });
      expect(await nodesListing(all(), n.id)).toEqual([]);
      // Reset: it knows nobody, so it cannot gossip its way back.
      expect((await redisText(n.node.host, n.node.port, ['CLUSTER', 'NODES'])).trim().split('\n')).toHaveLength(1);
    }
    expect((await events('RedisClusterManager.Cluster.NodeRemoved')).map((e) => e['nodeId'])).toEqual([n3.id, n1.id]);
  }, 120_000);

  it('remove-node of a master with slots: admin only; drained to the others, its replica re-pointed, forgotten everywhere, no key lost', async () => {
    const m1 = own.cluster.masters[1] as RedisProcess;
    const before = await fingerprint(own.cluster, [n1.node, n2.node, n3.node]);
    expect(before.keys).toBe(KEYS);
    expect(await post(removeNodeRoutes, 'remove-node', { node: n2.address })).toMatchObject({ status: 403, json: { code: 'remove_node_needs_admin' } });
    const plan = await post(removeNodeRoutes, 'remove-node', { node: n2.address, dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.json.drain).toMatchObject({ slotCount: 5461, operation: 'remove-node' });
    expect(plan.json.repoint).toEqual([expect.objectContaining({ replica: expect.objectContaining({ address: addr(m1) }) })]);
    const res = await post(removeNodeRoutes, 'remove-node', { node: n2.address, latencyGuard: null }, 'admin');
    expect(res.status).toBe(202);
    expect(await finish(res.json.jobId)).toMatchObject({ status: 'succeeded' });
    expect(await fingerprint(own.cluster, [n1.node, n2.node, n3.node])).toEqual(before);
    expect(await openSlots(all())).toEqual([]);
    expect(await nodesListing(all(), n2.id)).toEqual([]);
    expect((await redisText(m1.host, m1.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself'))).toMatch(/slave [0-9a-f]{40}/);
    const check = await redisCliCheck(addr(own.cluster.masters[0] as RedisProcess), { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    expect(check.output).not.toContain(n2.id);
    expect((await events('RedisClusterManager.Cluster.NodeRemoved')).at(-1)).toMatchObject({ nodeId: n2.id, slotsMoved: 5461, replicasRepointed: 1, reset: true });
  }, 180_000);

  it('Azure caches: 409 naming the ARM operation, before any connection', async () => {
    const put = await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/amr', params: { id: 'amr' }, body: { mode: 'azure-managed-redis', endpoints: [{ host: 'example.redis.azure.net', port: 10000 }], secretRef: { kind: 'entra' } } });
    expect(put.status).toBe(201);
    for (const [routes, op, body] of [[addNodeRoutes, 'add-node', { address: '10.0.0.9:6379' }], [removeNodeRoutes, 'remove-node', { node: '10.0.0.9:6379' }], [failoverRoutes, 'failover', { replica: '10.0.0.9:6379' }]] as const) {
      const res = await post(routes, op, body, 'admin', 'amr');
      expect(res.status, op).toBe(409);
      expect(res.json.code).toBe('azure_cluster_writes_blocked');
      expect(res.json.detail ?? JSON.stringify(res.json)).toMatch(/Azure Resource Manager/);
    }
  });
});
