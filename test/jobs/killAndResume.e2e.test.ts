import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { connectStandalone, keyPrefix, scanAll } from '../helpers/redis';
import { isPidAlive } from '../helpers/processes';
import { uniqueTableName } from '../helpers/storage';
import { childHosts, type Json } from './childHost';

// The done-when of invalidation: SIGKILL the host in the middle of a large invalidation, start a new one, and the
// job finishes with no matching key left and counts that add up. Scaled to 200k keys for the suite; KILL_RESUME_KEYS=1000000 runs the full-size check.
const keys = Number(process.env.KILL_RESUME_KEYS ?? 200_000);
const apiKey = 'kill-resume-admin-key-0123456789';
const settings = {
  AzureWebJobsStorage: '',
  STATE_TABLE_PREFIX: uniqueTableName('kill'),
  API_KEYS: `kr:admin:${apiKey}`,
  JOB_CHUNK_BUDGET_MS: '1500',
  JOB_LEASE_GRACE_MS: '1000',
};

const { start: startChild, call, finishAfterTakeover } = childHosts({ settings, apiKey, topicKey: 'kill-resume-topic-key-0123' });

describe('killing the host mid-invalidation', () => {
  it('a new host finishes the job: zero matching keys, deleted count = keys written, other keys untouched', async () => {
    const prefix = keyPrefix('kill-resume');
    const redis = connectStandalone();
    for (let i = 0; i < keys; i += 5000) {
      const p = redis.pipeline();
      for (let j = i; j < i + 5000; j++) p.set(`${prefix}user:${j}`, 'v');
      await p.exec();
    }
    await redis.set(`${prefix}keep:1`, 'v');
    const { host, port } = inject('redisStandalone');

    const first = await startChild();
    expect((await call(first.url, 'PUT', '/api/clusters/kr', { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' } })).status).toBe(201);
    expect((await call(first.url, 'PUT', '/api/clusters/kr/namespaces/users', { keyPattern: `${prefix}user:*` })).status).toBe(201);
    // Throttled so the job is surely mid-way when killed (200k keys at 40k/s take ≥ 5 s).
    const started = await call(first.url, 'POST', '/api/clusters/kr/namespaces/users/invalidate', { keysPerSecondPerNode: 40_000, latencyGuard: null, scanCount: 1000 });
    expect(started.status).toBe(202);
    const jobId = started.json.jobId as string;

    let before: Json;
    for (let i = 0; i < 200; i++) {
      before = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
      if ((before.progress?.deleted ?? 0) >= 40_000) break;
      await sleep(50);
    }
    expect(before.status).toBe('running');
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    expect(isPidAlive(first.proc.pid)).toBe(false);
    const leftAtKill = (await scanAll(redis, `${prefix}user:*`)).length;
    expect(leftAtKill).toBeGreaterThan(0);
    expect(leftAtKill).toBeLessThan(keys);

    const second = await startChild();
    // Nothing runs the job until its lease (chunk budget + grace) expires; then the sweeper timer takes it over.
    const job: Json = await finishAfterTakeover(second.url, jobId);
    expect(job.status).toBe('succeeded');
    expect(await scanAll(redis, `${prefix}user:*`)).toEqual([]);
    expect(await redis.exists(`${prefix}keep:1`)).toBe(1);
    expect(job.progress.deleted).toBe(keys);
    expect(job.lease.token).toBeGreaterThan(before.lease.token);

    const audit = await call(second.url, 'GET', '/api/clusters/kr/events?limit=100');
    const invalidated = audit.json.items.filter((e: { type: string }) => e.type === 'RedisClusterManager.Keys.Invalidated');
    expect(invalidated.length).toBeGreaterThanOrEqual(1);
    expect(invalidated[0].data).toMatchObject({ jobId, deletedCount: keys });
  }, Math.max(120_000, keys * 0.5));
});
