import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { useOwnCluster } from '../helpers/redis';
import { isPidAlive } from '../helpers/processes';
import { uniqueTableName } from '../helpers/storage';
import { childHosts, type ChildHost, type Json } from '../jobs/childHost';
import { fill, fingerprint, nodesListing, openSlots } from './slotTestbed';

// The done-when of remove-node: SIGKILL the host at a random point of the drain, and again in the forget phase, start
// a new host each time; the job finishes with every key present once, values unchanged, no slot open, redis-cli
// satisfied, the node's replica following another master, and no node (replicas included) listing the node.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1 });
const KEYS = 20_000;
const apiKey = 'nodes-kill-admin-key-0123456789';
const settings = { AzureWebJobsStorage: '', STATE_TABLE_PREFIX: uniqueTableName('nodekill'), API_KEYS: `nk:admin:${apiKey}`, JOB_CHUNK_BUDGET_MS: '1500', JOB_LEASE_GRACE_MS: '1000' };
let client: Cluster;

beforeAll(async () => {
  client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'rk:', KEYS, 100);
});
afterAll(() => client?.disconnect());

const { start: startChild, call } = childHosts({ settings, apiKey, topicKey: 'nodes-kill-topic-key-0123' });

async function kill(host: ChildHost): Promise<void> {
  host.proc.child.kill('SIGKILL');
  await host.proc.exited;
  expect(isPidAlive(host.proc.pid)).toBe(false);
}

/** Polls the job through `host` (running the sweeper once the lease expired) until `until` holds or it is final. */
async function watch(host: ChildHost, jobId: string, until: (job: Json) => boolean, pollMs: number): Promise<Json> {
  let job: Json;
  for (let i = 0; i < 4000; i++) {
    job = (await call(host.url, 'GET', `/api/jobs/${jobId}`)).json;
    if (until(job) || (job.status !== 'running' && job.status !== 'queued')) return job;
    if (job.lease.expiresAt === null || Date.parse(job.lease.expiresAt) < Date.now()) await call(host.url, 'POST', '/admin/functions/jobSweeper', {});
    await sleep(pollMs);
  }
  throw new Error(`job ${jobId} did not get there: ${JSON.stringify(job)}`);
}

describe('killing the host mid-remove-node', () => {
  it('drain and forget resume: same keys and values, no slot open, redis-cli OK, the node forgotten everywhere', async () => {
    const [m0, , m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const removedId = await redisText(m2.host, m2.port, ['CLUSTER', 'MYID']);
    const replica = (await Promise.all(own.cluster.replicas.map(async (r) => ({ r, self: (await redisText(r.host, r.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself')) ?? '' })))).find((x) => x.self.includes(removedId))?.r as RedisProcess;
    expect(replica).toBeDefined();
    const before = await fingerprint(own.cluster);
    expect(before.keys).toBe(KEYS);

    const first = await startChild();
    expect((await call(first.url, 'PUT', '/api/clusters/rk', { mode: 'cluster', endpoints: [{ host: m0.host, port: m0.port }], secretRef: { kind: 'none' } })).status).toBe(201);
    const started = await call(first.url, 'POST', '/api/clusters/rk/slots/remove-node', { node: `${m2.host}:${m2.port}`, slotConcurrency: 2 });
    expect(started.status).toBe(202);
    const jobId = started.json.jobId as string;
    const total = started.json.plan.slotCount as number;
    expect(total).toBeGreaterThan(5400);
    expect(started.json.plan.removal.repoint).toHaveLength(1);

    // 1. A random point of the drain: after 10..60 % of the slots moved, SIGKILL.
    const killAt = Math.round(total * (0.1 + Math.random() * 0.5));
    const atKill = await watch(first, jobId, (job) => (job.progress?.slotsMoved ?? 0) >= killAt, 25);
    expect(atKill.status).toBe('running');
    await kill(first);
    const opened = await openSlots(own.cluster.masters);
    console.log(`drain: killed at ${atKill.progress.slotsMoved} of ${total} slots (aimed at ${killAt}); open slot tokens: ${opened.length} (${opened.slice(0, 3).join(' ') || 'none'}…)`);

    // 2. The forget phase: once every slot moved the job re-points the replica and forgets the node; SIGKILL then.
    const second = await startChild();
    const atForget = await watch(second, jobId, (job) => (job.progress?.slotsMoved ?? 0) >= total, 10);
    const delay = Math.round(Math.random() * 600);
    await sleep(delay);
    await kill(second);
    const listing = await nodesListing([...own.cluster.nodes], removedId);
    console.log(`forget: killed ${delay} ms after the job (${atForget.status}) had moved ${atForget.progress?.slotsMoved} slots; nodes still listing it then: ${listing.length}`);

    const third = await startChild();
    const job = await watch(third, jobId, () => false, 100);
    expect(job.status).toBe('succeeded');
    expect(job.progress.slotsMoved).toBe(total);
    third.proc.child.kill('SIGTERM');
    await third.proc.exited;

    expect(await fingerprint(own.cluster)).toEqual(before);
    expect(await openSlots(own.cluster.masters)).toEqual([]);
    expect(await nodesListing(own.cluster.nodes.filter((n) => n !== m2), removedId)).toEqual([]);
    expect((await redisText(m2.host, m2.port, ['CLUSTER', 'NODES'])).trim().split('\n')).toHaveLength(1);
    expect((await redisText(replica.host, replica.port, ['CLUSTER', 'NODES'])).split('\n').find((l) => l.includes('myself'))).not.toContain(removedId);
    const check = await redisCliCheck(`${m0.host}:${m0.port}`, { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    expect(check.output).not.toContain(removedId);
  }, 300_000);
});
