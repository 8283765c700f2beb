import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isPortFree } from '../../tools/local';
import { startProcess, type BackgroundProcess } from '../helpers/processes';

// Issue #12 item 12: `kill -9` of the `npm start` process while namespace PUTs are being acknowledged and an
// invalidation job is mid-chunk. Before the fix the orphan watchdog's second SIGTERM, or EPIPE on Azurite's dead
// stdout pipe, killed Azurite while it saved, and everything since its last 5 s autosave was gone. Now: every change
// acknowledged with 201 is there after a restart, and the job row is never older than what GET /api/jobs showed.
const repoRoot = resolve(__dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'rcm-hostkill-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
type Json = any;

interface Started {
  proc: BackgroundProcess;
  url: string;
  redisUrl: string;
  azuritePorts: number[];
}

async function startNpm(): Promise<Started> {
  const port = await freePort();
  // Short chunks, so the lease (fencing) token climbs while the test watches.
  const env: NodeJS.ProcessEnv = { ...process.env, RCM_STATE_DIR: stateDir, CI: 'true', JOB_CHUNK_BUDGET_MS: '1000', JOB_LEASE_GRACE_MS: '1000' };
  delete env.REDIS_URL;
  const proc = startProcess(process.execPath, [join(repoRoot, 'dist/tools/start.js'), '--port', String(port)], { cwd: repoRoot, env });
  await proc.waitForOutput(/Press Ctrl-C/, 45_000);
  const out = proc.output();
  const redisUrl = /Redis\s+(redis:\/\/\S+)/.exec(out)?.[1] ?? '';
  const azuriteLine = /Azurite\s+(.*)/.exec(out)?.[1] ?? '';
  const azuritePorts = [...azuriteLine.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  expect(redisUrl).toMatch(/^redis:/);
  expect(azuritePorts.length).toBe(2);
  return { proc, url: `http://127.0.0.1:${port}`, redisUrl, azuritePorts };
}

function headers(): Record<string, string> {
  const keys = JSON.parse(readFileSync(join(stateDir, 'keys.json'), 'utf8')) as { functionKey: string; adminApiKey: string };
  return { 'x-functions-key': keys.functionKey, 'x-api-key': keys.adminApiKey, 'content-type': 'application/json' };
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${url}${path}`, { method, headers: headers(), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('kill -9 of the npm start host', () => {
  it('loses no acknowledged change, and job counters and lease tokens never go back', async () => {
    const first = await startNpm();
    const redis = new Redis(first.redisUrl, { lazyConnect: true });
    await redis.connect();
    const keys = 120_000;
    for (let i = 0; i < keys; i += 10_000) {
      const p = redis.pipeline();
      for (let j = i; j < i + 10_000; j++) p.set(`hk:user:${j}`, 'v');
      await p.exec();
    }
    redis.disconnect();
    expect((await call(first.url, 'PUT', '/api/clusters/local/namespaces/users', { keyPattern: 'hk:user:*' })).status).toBe(201);
    // 120k keys at 15k/s: about 8 s, in 1 s chunks; killed well before the end.
    const started = await call(first.url, 'POST', '/api/clusters/local/namespaces/users/invalidate', { keysPerSecondPerNode: 15_000, latencyGuard: null, scanCount: 500 });
    expect(started.status).toBe(202);
    const jobId = started.json.jobId as string;

    // Writers: namespace PUTs as fast as the host acknowledges them, recording every 201.
    const acknowledged: string[] = [];
    let writing = true;
    let n = 0;
    const writer = async (): Promise<void> => {
      while (writing) {
        const id = `w${n++}`;
        try {
          const res = await fetch(`${first.url}/api/clusters/local/namespaces/${id}`, { method: 'PUT', headers: headers(), body: JSON.stringify({ keyPattern: `${id}:*` }) });
          if (res.status === 201) acknowledged.push(id);
          await res.arrayBuffer();
        } catch {
          return; // the host is gone
        }
      }
    };
    const writers = [writer(), writer(), writer()];

    // Watch the job as a user would; remember the most advanced view ever shown.
    let seen = { deleted: 0, scanned: 0, token: 0, chunks: 0 };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const job = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
      expect(job.status).not.toBe('succeeded');
      seen = { deleted: job.progress.deleted ?? 0, scanned: job.progress.scanned ?? 0, token: job.lease.token, chunks: job.chunks };
      if (seen.token >= 2 && seen.deleted >= 20_000 && acknowledged.length >= 20) break;
      await sleep(100);
    }
    expect(seen.token, 'the job ran at least two chunks before the kill').toBeGreaterThanOrEqual(2);
    const before = acknowledged.length;
    first.proc.child.kill('SIGKILL');
    writing = false;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(before);

    // The watchdog stops Azurite (one SIGTERM: it saves, then exits); wait until its ports are closed.
    const freed = Date.now() + 60_000;
    while (!(await Promise.all(first.azuritePorts.map((p) => isPortFree(p)))).every(Boolean)) {
      if (Date.now() > freed) throw new Error('Azurite still listening 60 s after the host was killed');
      await sleep(100);
    }

    const second = await startNpm();
    const listed = await call(second.url, 'GET', '/api/clusters/local/namespaces');
    expect(listed.status).toBe(200);
    const present = new Set((listed.json.items as { namespace: string }[]).map((i) => i.namespace));
    const lost = acknowledged.filter((id) => !present.has(id));
    expect(lost, `acknowledged changes lost (of ${acknowledged.length})`).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(20);

    const after = (await call(second.url, 'GET', `/api/jobs/${jobId}`)).json;
    expect(after.lease.token).toBeGreaterThanOrEqual(seen.token);
    expect(after.chunks).toBeGreaterThanOrEqual(seen.chunks);
    expect(after.progress.deleted ?? 0).toBeGreaterThanOrEqual(seen.deleted);
    expect(after.progress.scanned ?? 0).toBeGreaterThanOrEqual(seen.scanned);

    second.proc.child.kill('SIGINT');
    await second.proc.exited;
    expect(second.proc.child.exitCode).toBe(0);
  }, 150_000);
});
