import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebalanceRoutes } from '../../shared/admin/slots/rebalanceRoutes';
import { reshardRoutes } from '../../shared/admin/slots/slotRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { fill, openSlots, register } from './slotTestbed';

// A cluster with 211 slots nobody owns is broken: reshard refuses it like rebalance (and redis-cli) do, with 409
// slots_uncovered pointing at fix, dry run included, and changes nothing. Fields are named like the rest of the API.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
let target = '';

const layout = async (): Promise<string[]> =>
  (await Promise.all(own.cluster.masters.map((n) => redisText(n.host, n.port, ['CLUSTER', 'NODES'])))).flatMap((v) => v.split('\n').map((l) => l.split(' ').filter((_, i) => i !== 4 && i !== 5).join(' '))).sort();

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'broken', [own.cluster.seeds[0] as { host: string; port: number }]);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'u:', 2000, 20);
  client.disconnect();
  const first = own.cluster.masters[0] as RedisProcess;
  target = await redisText(first.host, first.port, ['CLUSTER', 'MYID']);
});
afterAll(() => redisConnections.closeAll());

const post = (routes: typeof reshardRoutes, op: string, body: unknown) => callRoutes(cp, routes, { method: 'POST', path: `/clusters/broken/slots/${op}`, params: { id: 'broken' }, body, as: 'operator' });

describe('slot moves on a cluster with uncovered slots', () => {
  it('names fields under body like the rest of the API', async () => {
    const unknown = await post(reshardRoutes, 'reshard', { to: 'f'.repeat(40), slots: 10, dryRun: true });
    expect(unknown).toMatchObject({ status: 400, json: { code: 'unknown_node', errors: [{ field: 'body.to' }] } });
    const bad = await post(reshardRoutes, 'reshard', { to: 'nope', slots: 10 });
    expect(bad).toMatchObject({ status: 400, json: { errors: [{ field: 'body.to' }] } });
  });

  it('reshard (dry run and real) and rebalance answer 409 slots_uncovered naming the uncovered slots; nothing changes', async () => {
    // 211 slots of the last master owned by nobody, in every view.
    await Promise.all(own.cluster.masters.map((n) => redisText(n.host, n.port, ['CLUSTER', 'DELSLOTSRANGE', '16173', '16383'])));
    const before = await layout();
    for (const dryRun of [true, false]) {
      const res = await post(reshardRoutes, 'reshard', { to: target, slots: 500, dryRun });
      expect(res.status, `dryRun ${dryRun}`).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json.code).toBe('slots_uncovered');
      expect(res.json.detail).toContain('211 slot(s) have no owner');
    }
    expect(await post(rebalanceRoutes, 'rebalance', { weightBy: 'slots' })).toMatchObject({ status: 409, json: { code: 'slots_uncovered' } });
    expect(await openSlots(own.cluster.masters)).toEqual([]);
    expect(await layout()).toEqual(before);
  });
});
