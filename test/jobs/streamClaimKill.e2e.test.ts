import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { connectStandalone, keyPrefix } from '../helpers/redis';
import { isPidAlive } from '../helpers/processes';
import { uniqueTableName } from '../helpers/storage';
import { childHosts, type Json } from './childHost';

// kill -9 of the host in the middle of a `stream-action` claim (XAUTOCLAIM … JUSTID, paced): a new host resumes it
// from its checkpointed cursor and every stuck entry ends up in the target consumer's pending list, each once.
const entries = 3000;
const apiKey = 'claim-kill-admin-key-0123456789';
const settings = {
  STATE_TABLE_PREFIX: uniqueTableName('claimkill'),
  API_KEYS: `ck:admin:${apiKey}`,
  JOB_CHUNK_BUDGET_MS: '1500',
  JOB_LEASE_GRACE_MS: '1000',
  MONITOR_MESSAGING: 'off',
};

const { start: startChild, call, finishAfterTakeover } = childHosts({ settings, apiKey, topicKey: 'claim-kill-topic-key-0123' });

/** XPENDING extended form: [id, consumer, idle ms, deliveries] per pending entry. */
async function pendingEntries(redis: ReturnType<typeof connectStandalone>, key: string): Promise<Array<[string, string, number, number]>> {
  return (await redis.call('XPENDING', key, 'workers', '-', '+', String(entries * 2))) as Array<[string, string, number, number]>;
}

describe('killing the host mid-claim', () => {
  it('a new host resumes the claim job: every stuck entry is owned by the target consumer, once, none left with the dead one', async () => {
    const key = `${keyPrefix('claim-kill')}orders`;
    const redis = connectStandalone();
    for (let i = 0; i < entries; i += 500) {
      const p = redis.pipeline();
      for (let j = i; j < i + 500; j++) p.xadd(key, '*', 'n', String(j));
      await p.exec();
    }
    await redis.xgroup('CREATE', key, 'workers', '0');
    // A worker reads everything and dies: all entries stuck in its pending list.
    await redis.xreadgroup('GROUP', 'workers', 'dead-worker', 'COUNT', String(entries), 'STREAMS', key, '>');
    const stuck = (await pendingEntries(redis, key)).map((e) => e[0]);
    expect(stuck).toHaveLength(entries);
    await sleep(300); // older than minIdleMs below
    const { host, port } = inject('redisStandalone');

    const first = await startChild();
    expect((await call(first.url, 'PUT', '/api/clusters/ck', { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' } })).status).toBe(201);
    // Paced (3000 entries at 400/s take ≥ 7 s) so the job is surely mid-way when killed.
    const started = await call(first.url, 'POST', '/api/clusters/ck/stream-actions', { action: 'claim', key, group: 'workers', consumer: 'rescuer', minIdleMs: 200, count: 50, entriesPerSecond: 400 });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const jobId = started.json.jobId as string;

    let before: Json;
    for (let i = 0; i < 300; i++) {
      before = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
      if ((before.progress?.claimed ?? 0) >= 600) break;
      await sleep(50);
    }
    expect(before.status).toBe('running');
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    expect(isPidAlive(first.proc.pid)).toBe(false);
    const atKill = await pendingEntries(redis, key);
    const stillDead = atKill.filter((e) => e[1] === 'dead-worker').length;
    expect(stillDead).toBeGreaterThan(0);
    expect(stillDead).toBeLessThan(entries);

    const second = await startChild();
    // Nothing runs the job until its lease (chunk budget + grace) expires; then the sweeper timer takes it over.
    const job: Json = await finishAfterTakeover(second.url, jobId);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.lease.token).toBeGreaterThan(before.lease.token);

    const after = await pendingEntries(redis, key);
    // The same entries, each once in the PEL, every one owned by the target consumer; JUSTID left delivery counts at 1.
    expect(after.map((e) => e[0])).toEqual(stuck);
    expect(new Set(after.map((e) => e[1]))).toEqual(new Set(['rescuer']));
    expect(after.every((e) => e[3] === 1)).toBe(true);
    const consumers = (await redis.call('XINFO', 'CONSUMERS', key, 'workers')) as Array<Array<string | number>>;
    const pendingOf = (name: string): unknown => { const c = consumers.find((f) => f[1] === name); return c?.[c.indexOf('pending') + 1]; };
    expect(pendingOf('dead-worker')).toBe(0);
    expect(pendingOf('rescuer')).toBe(entries);
    // The count is exact unless the kill fell between an XAUTOCLAIM and its checkpoint: then one call (50) uncounted.
    expect(job.progress.claimed).toBeLessThanOrEqual(entries);
    expect(job.progress.claimed).toBeGreaterThanOrEqual(entries - 50);
    await redis.del(key);
  }, 120_000);
});
