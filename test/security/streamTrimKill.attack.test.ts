import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { childHosts, type Json } from '../jobs/childHost';
import { isPidAlive } from '../helpers/processes';
import { connectStandalone, keyPrefix } from '../helpers/redis';
import { uniqueTableName } from '../helpers/storage';

// kill -9 of the host at a random point of a paced stream trim (a job kind added after issue 12): a new host resumes
// it, the trim still stops exactly at what the consumer group has not been delivered yet, and `removed` is exact.
// Before each batch was written ahead, a holder that died between an XTRIM and its checkpoint took that batch's count
// with it, once per interrupted chunk (kill, lost lease, failed write): about one run in 20 ended two batches short
// (19 600 of 20 000). test/jobs/streamTrimCount.redis.test.ts stops holders at exactly that point.
const entries = 30_000;
const delivered = 20_000; // the group has been delivered the first 20 000: those may go, the rest may not
const batch = 200;
const apiKey = 'trim-kill-admin-key-0123456789';
const { start, call, finishAfterTakeover } = childHosts({
  settings: { STATE_TABLE_PREFIX: uniqueTableName('trimkill'), API_KEYS: `tk:admin:${apiKey}`, JOB_CHUNK_BUDGET_MS: '1500', JOB_LEASE_GRACE_MS: '1000', MONITOR_MESSAGING: 'off' },
  apiKey,
  topicKey: 'trim-kill-topic-key-0123',
});

describe('attack: kill -9 of the host mid-trim', () => {
  it('a new host finishes the trim: the stream ends exactly at the group bound, the count exact', async () => {
    const key = `${keyPrefix('trim-kill')}events`;
    const redis = connectStandalone();
    const ids: string[] = [];
    for (let i = 0; i < entries; i += 1000) {
      const p = redis.pipeline();
      for (let j = i; j < i + 1000; j++) p.xadd(key, '*', 'n', String(j));
      for (const [, id] of (await p.exec()) ?? []) ids.push(String(id));
    }
    await redis.xgroup('CREATE', key, 'workers', ids[delivered - 1] as string);
    const { host, port } = inject('redisStandalone');

    const first = await start();
    expect((await call(first.url, 'PUT', '/api/clusters/tk', { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' } })).status).toBe(201);
    // 20 000 entries at 2 500/s: ≥ 8 s, so a kill anywhere in 1.5-5.5 s lands mid-way (in a chunk or between two).
    const started = await call(first.url, 'POST', '/api/clusters/tk/stream-actions', { action: 'trim', key, maxLen: 0, batch, entriesPerSecond: 2500 });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const jobId = started.json.jobId as string;
    const killAfterMs = 1500 + Math.floor(Math.random() * 4000);
    await sleep(killAfterMs);
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    expect(isPidAlive(first.proc.pid)).toBe(false);
    const atKill = await redis.xlen(key);
    const why = `killed after ${killAfterMs} ms, ${atKill} entries left then`;
    expect(atKill, why).toBeLessThan(entries);
    expect(atKill, why).toBeGreaterThan(entries - delivered);

    const second = await start();
    const job: Json = await finishAfterTakeover(second.url, jobId);
    await second.proc.stop();
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    const logOf = (out: string) => out.split('\n').filter((l) => l.includes(jobId) || /sweep|lease/i.test(l)).map((l) => l.slice(0, 260)).join('\n');
    const end = `${why}; job ${JSON.stringify({ progress: job.progress, result: job.result, chunks: job.chunks, lease: job.lease })}\nfirst:\n${logOf(first.proc.output())}\nsecond:\n${logOf(second.proc.output())}`;
    expect(job.result, end).toMatchObject({ action: 'trim', forced: false, limitedByGroup: 'workers' });
    // Exactly the undelivered entries are left, the first of them the group's next one.
    expect(await redis.xlen(key), end).toBe(entries - delivered);
    expect(((await redis.xrange(key, '-', '+', 'COUNT', 1)) as [string, string[]][])[0]?.[0], end).toBe(ids[delivered]);
    expect(job.progress.removed, end).toBe(delivered);
    await redis.del(key);
  }, 120_000);
});
