import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { useOwnCluster } from '../helpers/redis';
import { uniqueTableName } from '../helpers/storage';
import { childHosts, type ChildHost, type Json } from '../jobs/childHost';
import { nodesListing, spawnLoneNode } from './slotTestbed';

// add-node and failover jobs SIGKILLed at a random point (the host dies; a new host's sweeper resumes the step that
// was running): the replica joins and syncs, the failover completes, every node agrees.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
const apiKey = 'nodejob-kill-admin-key-0123456789';
const settings = { AzureWebJobsStorage: '', STATE_TABLE_PREFIX: uniqueTableName('nodejobkill'), API_KEYS: `nj:admin:${apiKey}`, JOB_CHUNK_BUDGET_MS: '1500', JOB_LEASE_GRACE_MS: '1000' };
const { start: startChild, call } = childHosts({ settings, apiKey, topicKey: 'nodejob-kill-topic-key-0123' });
let fresh: { node: RedisProcess; id: string } | undefined;
afterAll(async () => {
  await fresh?.node.stop();
});

async function finishAfterKill(first: ChildHost, jobId: string, killAfterMs: number): Promise<{ job: Json; atKill: Json }> {
  await sleep(killAfterMs);
  const atKill = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
  first.proc.child.kill('SIGKILL');
  await first.proc.exited;
  const second = await startChild();
  let job: Json;
  for (let i = 0; i < 1200; i++) {
    job = (await call(second.url, 'GET', `/api/jobs/${jobId}`)).json;
    if (job.status !== 'running' && job.status !== 'queued') break;
    if (job.lease.expiresAt === null || Date.parse(job.lease.expiresAt) < Date.now()) await call(second.url, 'POST', '/admin/functions/jobSweeper', {});
    await sleep(100);
  }
  second.proc.child.kill('SIGTERM');
  await second.proc.exited;
  return { job, atKill };
}

describe('killing the host mid add-node and mid failover', () => {
  it('the resumed jobs finish: the replica joined and synced, then promoted, every node agreeing', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess];
    fresh = await spawnLoneNode();
    const address = `${fresh.node.host}:${fresh.node.port}`;
    const first = await startChild();
    expect((await call(first.url, 'PUT', '/api/clusters/nj', { mode: 'cluster', endpoints: [{ host: m0.host, port: m0.port }], secretRef: { kind: 'none' } })).status).toBe(201);
    const added = await call(first.url, 'POST', '/api/clusters/nj/slots/add-node', { address, replicaOf: `${m1.host}:${m1.port}` });
    expect(added.status).toBe(202);
    const a = await finishAfterKill(first, added.json.jobId, Math.round(Math.random() * 1500));
    console.log(`add-node: killed at step ${a.atKill.progress?.steps ?? 0} of 4 (${a.atKill.status}); resumed job ${a.job.status}`);
    expect(a.job.status).toBe('succeeded');
    expect(await nodesListing(own.cluster.nodes, fresh.id)).toHaveLength(3);
    expect(await redisText(fresh.node.host, fresh.node.port, ['INFO', 'replication'])).toContain('master_link_status:up');

    const host = await startChild();
    const failover = await call(host.url, 'POST', '/api/clusters/nj/slots/failover', { replica: address });
    expect(failover.status).toBe(202);
    const f = await finishAfterKill(host, failover.json.jobId, Math.round(Math.random() * 800));
    console.log(`failover: killed at step ${f.atKill.progress?.steps ?? 0} of 2 (${f.atKill.status}); resumed job ${f.job.status}`);
    expect(f.job.status).toBe('succeeded');
    expect(await redisText(fresh.node.host, fresh.node.port, ['ROLE'])).toMatch(/^master/);
    expect((await redisText(m1.host, m1.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself'))).toContain(`slave ${fresh.id}`);
    const check = await redisCliCheck(`${m0.host}:${m0.port}`);
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true });
  }, 240_000);
});
