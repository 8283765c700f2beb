import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../tools/local/index';
import { redisCliCheck } from '../cluster/redisCliCheck';
import { useOwnCluster } from '../helpers/redis';
import { isPidAlive } from '../helpers/processes';
import { uniqueTableName } from '../helpers/storage';
import { childHosts, type Json } from '../jobs/childHost';
import { addEmptyMaster, fill, fingerprint, openSlots } from './slotTestbed';

// The done-when for rebalance: SIGKILL the host at a random point of a rebalance onto an empty 4th master, start a
// new host, and the job finishes with every key present exactly once, every value unchanged, no slot open and
// redis-cli satisfied.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
const KEYS = 20_000;
const apiKey = 'rebalance-kill-admin-key-0123456789';
const settings = { AzureWebJobsStorage: '', STATE_TABLE_PREFIX: uniqueTableName('rbkill'), API_KEYS: `rk:admin:${apiKey}`, JOB_CHUNK_BUDGET_MS: '1500', JOB_LEASE_GRACE_MS: '1000' };
let fourth: { node: RedisProcess; id: string };

beforeAll(async () => {
  fourth = await addEmptyMaster(own.cluster);
  const client = new Cluster(own.cluster.seeds, { enableAutoPipelining: true });
  await fill(client, 'rk:', KEYS, 100);
  client.disconnect();
});
afterAll(async () => {
  await fourth?.node.stop();
});

const { start: startChild, call } = childHosts({ settings, apiKey, topicKey: 'rebalance-kill-topic-key-01' });

describe('killing the host mid-rebalance', () => {
  it('a new host finishes the saga: same keys and values, no slot open, every master at its share, redis-cli --cluster check OK', async () => {
    const before = await fingerprint(own.cluster, [fourth.node]);
    expect(before.keys).toBe(KEYS);
    const first = await startChild();
    expect((await call(first.url, 'PUT', '/api/clusters/rk', { mode: 'cluster', endpoints: own.cluster.seeds, secretRef: { kind: 'none' } })).status).toBe(201);
    const started = await call(first.url, 'POST', '/api/clusters/rk/slots/rebalance', { weightBy: 'slots', slotConcurrency: 2 });
    expect(started.status).toBe(202);
    const jobId = started.json.jobId as string;
    const planned = started.json.plan.slotCount as number;
    expect(planned).toBe(4096);

    // A random point: after 10..60 % of the slots moved (seen through the API), SIGKILL.
    const killAt = Math.round(planned * (0.1 + Math.random() * 0.5));
    let atKill: Json;
    for (let i = 0; i < 1200; i++) {
      atKill = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
      if ((atKill.progress?.slotsMoved ?? 0) >= killAt || (atKill.status !== 'running' && atKill.status !== 'queued')) break;
      await sleep(25);
    }
    expect(atKill.status).toBe('running');
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    expect(isPidAlive(first.proc.pid)).toBe(false);
    console.log(`killed at ${atKill.progress.slotsMoved} of ${planned} slots (aimed at ${killAt}); open slots left: ${(await openSlots([...own.cluster.masters, fourth.node])).join(' ') || 'none'}`);

    const second = await startChild();
    let job: Json;
    for (let i = 0; i < 1200; i++) {
      job = (await call(second.url, 'GET', `/api/jobs/${jobId}`)).json;
      if (job.status !== 'running' && job.status !== 'queued') break;
      if (job.lease.expiresAt === null || Date.parse(job.lease.expiresAt) < Date.now()) await call(second.url, 'POST', '/admin/functions/jobSweeper', {});
      await sleep(100);
    }
    expect(job.status).toBe('succeeded');
    expect(job.lease.token).toBeGreaterThan(atKill.lease.token);
    expect(job.progress.slotsMoved).toBe(planned);

    // Balanced now: a dry run by slots plans nothing (every master at 4096).
    const again = await call(second.url, 'POST', '/api/clusters/rk/slots/rebalance', { weightBy: 'slots', dryRun: true });
    expect(again.json).toMatchObject({ slotCount: 0, rebalance: { withinThreshold: true, spreadAfter: 1 } });
    second.proc.child.kill('SIGTERM');
    await second.proc.exited;

    expect(await fingerprint(own.cluster, [fourth.node])).toEqual(before);
    expect(await openSlots([...own.cluster.masters, fourth.node])).toEqual([]);
    const check = await redisCliCheck(`${fourth.node.host}:${fourth.node.port}`, { searchMultipleOwners: true });
    expect(check).toMatchObject({ verdict: 'ok', agree: true, allSlotsCovered: true, multipleOwners: [] });
    const mine = check.output.split('\n').find((l) => l.includes(`${fourth.node.host}:${fourth.node.port}`) && l.includes('slots'));
    expect(mine).toMatch(/4096 slots/);
  }, 240_000);
});
