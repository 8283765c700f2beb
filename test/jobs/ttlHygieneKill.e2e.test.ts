import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { connectStandalone, keyPrefix } from '../helpers/redis';
import { isPidAlive } from '../helpers/processes';
import { uniqueTableName } from '../helpers/storage';
import { childHosts, type Json } from './childHost';

// Issue #12 item 15 for TTL hygiene: SIGKILL the host mid-chunk of a throttled hygiene job, start a new one, and the
// job finishes with exact counts: `withoutTtl` and `ttlSet` = the keys that had no TTL, every key has one, the keys
// that had a TTL keep theirs. Throttled, so chunks also end on the rate limit (a batch given back to the next chunk
// was counted twice before).
const keys = 100_000;
const withTtl = 20_000;
const apiKey = 'hygiene-kill-admin-key-0123456789';
const settings = {
  AzureWebJobsStorage: '',
  STATE_TABLE_PREFIX: uniqueTableName('hkill'),
  API_KEYS: `kr:admin:${apiKey}`,
  JOB_CHUNK_BUDGET_MS: '1500',
  JOB_LEASE_GRACE_MS: '1000',
};

const { start: startChild, call, finishAfterTakeover } = childHosts({ settings, apiKey, topicKey: 'kill-resume-topic-key-0123' });

describe('killing the host mid TTL hygiene', () => {
  it('a new host finishes the job with exact counts; every key has a TTL, set ones untouched', async () => {
    const prefix = keyPrefix('hyg-kill');
    const redis = connectStandalone();
    for (let i = 0; i < keys; i += 5000) {
      const p = redis.pipeline();
      for (let j = i; j < i + 5000; j++) {
        if (j < withTtl) p.set(`${prefix}s:${j}`, 'v', 'EX', 86_400);
        else p.set(`${prefix}s:${j}`, 'v');
      }
      await p.exec();
    }
    const { host, port } = inject('redisStandalone');

    const first = await startChild();
    expect((await call(first.url, 'PUT', '/api/clusters/hk', { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' } })).status).toBe(201);
    expect((await call(first.url, 'PUT', '/api/clusters/hk/namespaces/sessions', { keyPattern: `${prefix}s:*`, ttlSeconds: 600, ttlJitterPercent: 20 })).status).toBe(201);
    const started = await call(first.url, 'POST', '/api/clusters/hk/namespaces/sessions/ttl-hygiene', { keysPerSecondPerNode: 25_000, latencyGuard: null, scanCount: 1000 });
    expect(started.status).toBe(202);
    const jobId = started.json.jobId as string;

    let before: Json;
    for (let i = 0; i < 300; i++) {
      before = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
      if ((before.progress?.ttlSet ?? 0) >= 30_000) break;
      await sleep(50);
    }
    expect(before.status).toBe('running');
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    expect(isPidAlive(first.proc.pid)).toBe(false);

    const second = await startChild();
    const job: Json = await finishAfterTakeover(second.url, jobId);
    expect(job.status).toBe('succeeded');
    expect(job.progress.withoutTtl).toBe(keys - withTtl);
    expect(job.progress.ttlSet).toBe(keys - withTtl);
    expect(job.progress.ttlSet).toBeGreaterThanOrEqual(before.progress.ttlSet);
    expect(job.lease.token).toBeGreaterThan(before.lease.token);
    const ttls = await Promise.all([0, withTtl - 1, withTtl, keys - 1].map((i) => redis.ttl(`${prefix}s:${i}`)));
    expect(ttls[0]).toBeGreaterThan(3600);
    expect(ttls[1]).toBeGreaterThan(3600);
    for (const t of ttls.slice(2)) {
      expect(t).toBeGreaterThan(0);
      expect(t).toBeLessThanOrEqual(720);
    }
    const p = redis.pipeline();
    for (let j = 0; j < keys; j++) p.ttl(`${prefix}s:${j}`);
    const all = ((await p.exec()) ?? []).map(([, t]) => Number(t));
    expect(all.filter((t) => t < 0)).toEqual([]);
  }, 120_000);
});
