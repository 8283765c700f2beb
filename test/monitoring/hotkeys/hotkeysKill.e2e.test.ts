import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isPidAlive } from '../../helpers/processes';
import { useOwnRedis } from '../../helpers/redis';
import { uniqueTableName } from '../../helpers/storage';
import { childHosts, type Json } from '../../jobs/childHost';
import { monitorClients, startSkewedLoad } from './skewedLoad';

// kill -9 of the host while a radar window has MONITOR open: the server drops the dead process's MONITOR client, and a
// new host resumes the job from its last checkpoint (counts never go back) and finishes it.
const own = useOwnRedis();
const apiKey = 'hotkeys-kill-admin-key-0123456789';
const settings = {
  STATE_TABLE_PREFIX: uniqueTableName('hkkill'),
  API_KEYS: `hk:admin:${apiKey}`,
  JOB_CHUNK_BUDGET_MS: '4000',
  JOB_LEASE_GRACE_MS: '1000',
  MONITOR_MESSAGING: 'off',
};
const { start: startChild, call, finishAfterTakeover } = childHosts({ settings, apiKey, topicKey: 'hotkeys-kill-topic-key-0123' });

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await sleep(50);
  }
}

describe('killing the host mid-window', () => {
  it('leaves no MONITOR client on the server, and a new host resumes the radar to the end', async () => {
    const load = startSkewedLoad(own.server.port, [{ key: 'hot:reads', share: 0.3, op: 'get' }]);
    try {
      const first = await startChild();
      expect((await call(first.url, 'PUT', '/api/clusters/hk', { mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], secretRef: { kind: 'none' } })).status).toBe(201);
      const started = await call(first.url, 'POST', '/api/clusters/hk/hotkeys', { durationSeconds: 15, windowMs: 1500, dutyCycle: 0.5, maxLatencyMs: null });
      expect(started.status, JSON.stringify(started.json)).toBe(202);
      const jobId = started.json.jobId as string;

      // Wait for one checkpointed window, then for the next window to have MONITOR open, and kill the host in it.
      const before: Json = await eventually(async () => (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json, (j) => (j.progress?.windows ?? 0) >= 1, 30_000);
      expect(before.progress.windows).toBeGreaterThanOrEqual(1);
      const open = await eventually(() => monitorClients(own.server.port), (c) => c.length > 0, 20_000);
      expect(open).toHaveLength(1);
      expect(open[0]).toContain('name=rcm-hotkeys');
      const atKill: Json = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
      first.proc.child.kill('SIGKILL');
      await first.proc.exited;
      expect(isPidAlive(first.proc.pid)).toBe(false);
      expect(await eventually(() => monitorClients(own.server.port), (c) => c.length === 0, 10_000)).toEqual([]);

      const second = await startChild();
      const job: Json = await finishAfterTakeover(second.url, jobId);
      expect(job.status, JSON.stringify(job)).toBe('succeeded');
      expect(job.lease.token).toBeGreaterThan(atKill.lease.token);
      expect(job.progress.windows).toBeGreaterThanOrEqual(atKill.progress.windows); // resumed, not restarted
      const report = (await call(second.url, 'GET', `/api/clusters/hk/hotkeys/${jobId}`)).json;
      expect(report.keys[0].key).toBe('hot:reads');
      expect(report.nodes[0].maxWindowBytes).toBeLessThanOrEqual(report.nodes[0].maxBytesPerWindow);
      expect(await monitorClients(own.server.port)).toEqual([]);
      await second.proc.stop();
    } finally {
      await load.stop();
    }
  }, 150_000);
});
