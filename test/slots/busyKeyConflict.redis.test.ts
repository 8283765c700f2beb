import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reshardRoutes } from '../../shared/admin/slots/slotRoutes';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { callRoutes, testControlPlane } from '../controlplane/api';
import { useOwnCluster } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';
import { addEmptyMaster, fill, openSlots, register, runToEnd } from './slotTestbed';

// A key on both nodes with different values inside a step of 16 slots: nothing is overwritten, only its slot is left
// open (the other 15 of the step are moved and announced), and the job fails naming the slot and the manual steps.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
let cp: ControlPlane;
let fourth: { node: RedisProcess; id: string };

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await register(cp, 'busy', own.cluster.seeds);
  fourth = await addEmptyMaster(own.cluster);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'b:', 4000, 50);
  client.disconnect();
});
afterAll(async () => {
  await redisConnections.closeAll();
  await fourth?.node.stop();
});

describe('BUSYKEY with different values in a group step', () => {
  it('overwrites nothing, leaves only that slot open, moves the rest of the step, fails with busykey_conflict', async () => {
    const source = own.cluster.masters[0] as RedisProcess;
    const sourceId = await redisText(source.host, source.port, ['CLUSTER', 'MYID']);
    // Planned first (a cluster with open slots is refused), then the conflict is planted before the job runs.
    const res = await callRoutes(cp, reshardRoutes, { method: 'POST', path: '/clusters/busy/slots/reshard', params: { id: 'busy' }, body: { to: fourth.id, ranges: [[0, 15]], slotsPerStep: 16, latencyGuard: null }, as: 'operator' });
    expect(res.status).toBe(202);
    // Slot 5 of the range 0-15 (the first master's): plant the conflict there.
    let i = 0;
    while (keySlot(Buffer.from(`c:${i}`)) !== 5) i++;
    const key = `c:${i}`;
    const direct = new Redis({ host: source.host, port: source.port });
    await direct.set(key, 'the source value');
    const sourceValue = await direct.get(key);
    await redisText(fourth.node.host, fourth.node.port, ['CLUSTER', 'SETSLOT', '5', 'IMPORTING', sourceId]);
    await redisText(source.host, source.port, ['CLUSTER', 'SETSLOT', '5', 'MIGRATING', fourth.id]);
    const target = new Redis({ host: fourth.node.host, port: fourth.node.port });
    await target.pipeline().call('ASKING').set(key, 'a different value').exec();

    expect(await runToEnd(cp, res.json.jobId)).toBe('failed');
    const job = (await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${res.json.jobId}`, params: { id: res.json.jobId }, as: 'reader' })).json;
    expect(job.error).toMatchObject({ code: 'busykey_conflict' });
    expect(job.error.message).toMatch(/slot 5 is left open/);
    expect(job.error.message).toContain('slots/fix');
    // Nothing overwritten: each node keeps its own value.
    expect(await direct.get(key)).toBe(sourceValue);
    expect((await target.pipeline().call('ASKING').get(key).exec())?.[1]?.[1]).toBe('a different value');
    // Only slot 5 is open; 0-4 and 6-15 are the 4th master's.
    expect((await openSlots([...own.cluster.masters, fourth.node])).sort()).toEqual([`[5-<-${sourceId}]`, `[5->-${fourth.id}]`].sort());
    const mine = (await redisText(fourth.node.host, fourth.node.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself')) ?? '';
    expect(mine).toMatch(/ 0-4 6-15( |$)/);
    direct.disconnect();
    target.disconnect();
  }, 120_000);
});
