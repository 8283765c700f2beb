import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebalanceRoutes } from '../../shared/admin/slots/rebalanceRoutes';
import { reshardRoutes } from '../../shared/admin/slots/slotRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import type { RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { addEmptyMaster, fill, fingerprint, openSlots, register, runToEnd } from './slotTestbed';

// One Redis cluster registered twice (`pw` and `pw2`, different seeds): the slot lock is the physical cluster's (one
// row per node id), so the two registrations cannot move slots at once. With a lock per registration both reshards
// ran, the nodes ended disagreeing with slots uncovered, and keys were lost.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
let a: { node: RedisProcess; id: string };
let b: { node: RedisProcess; id: string };
const KEYS = 10_000;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  const [first, second] = own.cluster.masters as [RedisProcess, RedisProcess];
  await register(cp, 'pw', [{ host: first.host, port: first.port }]);
  await register(cp, 'pw2', [{ host: second.host, port: second.port }]);
  a = await addEmptyMaster(own.cluster);
  b = await addEmptyMaster({ ...own.cluster, nodes: [...own.cluster.nodes, a.node] });
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'r:', KEYS, 50);
  client.disconnect();
});
afterAll(async () => {
  await redisConnections.closeAll();
  await a?.node.stop();
  await b?.node.stop();
});

const post = (routes: typeof reshardRoutes, op: string, id: string, body: unknown) => callRoutes(cp, routes, { method: 'POST', path: `/clusters/${id}/slots/${op}`, params: { id }, body, as: 'operator' });
const all = (): RedisProcess[] => [...own.cluster.nodes, a.node, b.node];

describe('two registrations of one cluster share its slot lock', () => {
  it('of two parallel reshards through pw and pw2 exactly one starts; the other (and a rebalance) gets 409 naming the job; no key is lost', async () => {
    const before = await fingerprint(own.cluster, [a.node, b.node]);
    expect(before.keys).toBe(KEYS);
    const [one, two] = await Promise.all([post(reshardRoutes, 'reshard', 'pw', { to: a.id, slots: 500, latencyGuard: null }), post(reshardRoutes, 'reshard', 'pw2', { to: b.id, slots: 500, latencyGuard: null })]);
    expect([one.status, two.status].sort()).toEqual([202, 409]);
    const [won, lost] = one.status === 202 ? [one, two] : [two, one];
    expect(lost.headers['content-type']).toContain('application/problem+json');
    expect(lost.json.code).toBe('slot_operation_in_progress');
    expect(String(lost.json.detail)).toContain(won.json.jobId);
    const other = won === one ? 'pw2' : 'pw';
    const rebalance = await post(rebalanceRoutes, 'rebalance', other, { weightBy: 'slots' });
    expect(rebalance).toMatchObject({ status: 409, json: { code: 'slot_operation_in_progress' } });

    expect(await runToEnd(cp, won.json.jobId)).toBe('succeeded');
    expect(await fingerprint(own.cluster, [a.node, b.node])).toEqual(before);
    expect(await openSlots(all())).toEqual([]);
    expect(await redisCliCheck(`${a.node.host}:${a.node.port}`)).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true });

    // The job is final: the lock is free again, for either registration.
    const next = await post(reshardRoutes, 'reshard', other, { to: won === one ? b.id : a.id, slots: 500, latencyGuard: null });
    expect(next.status).toBe(202);
    expect(await runToEnd(cp, next.json.jobId)).toBe('succeeded');
    expect(await fingerprint(own.cluster, [a.node, b.node])).toEqual(before);
    expect(await redisCliCheck(`${b.node.host}:${b.node.port}`)).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true });
  });
});
