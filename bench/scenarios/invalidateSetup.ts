import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { ClusterSpec } from '../../shared/platform/registry/clusterSpec';
import { JobService } from '../../shared/platform/jobs/JobService';
import { JobStore } from '../../shared/platform/jobs/JobStore';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { loadJobKind } from '../../shared/app/jobKinds';
import type { InvalidateParams } from '../../shared/admin/invalidation/invalidationRequest';
import { tableClient } from '../../shared/platform/storage/storageClients';
import { openControlPlane, type ControlPlane } from '../../shared/platform/controlPlane';

const run = promisify(execFile);

/**
 * A control plane (publisher off) and jobs table on an Azurite, with one registered cluster and namespace.
 * @param tag tells apart the tables of two control planes opened in the same run @default ''
 */
export async function benchJobs(connectionString: string, spec: ClusterSpec, pattern: string, tag = '') {
  const settings = { AzureWebJobsStorage: connectionString, STATE_TABLE_PREFIX: `bench${tag}${Date.now().toString(36)}` };
  const cp: ControlPlane = await openControlPlane(settings, { publisher: null, log: { warn: () => undefined, error: () => undefined } });
  const table = tableClient({ kind: 'connectionString', connectionString }, `${settings.STATE_TABLE_PREFIX}jobs`);
  await table.createTable();
  const rt = { cp, store: new JobStore(table), settings: { chunkBudgetMs: 20_000, leaseGraceMs: 10_000, maxFailedChunks: 3 }, kinds: loadJobKind };
  const change = { principal: { id: 'bench', kind: 'system' as const, role: 'admin' as const }, correlationId: 'bench' };
  await cp.clusters.put('bench', spec, change);
  await cp.namespaces.put('bench', 'ns', { keyPattern: pattern, ttlSeconds: null, ttlJitterPercent: 0, priority: 50, protected: false, warmPlan: null }, change);
  /** Runs an invalidation job to the end through the real machinery (leases, checkpoints, chunks); returns ms. */
  async function invalidate(params: Partial<InvalidateParams>): Promise<{ ms: number; progress: Record<string, number>; chunks: number; result: Record<string, unknown> | undefined }> {
    const full: InvalidateParams = { pattern, maxKeys: 1_000_000_000, keysPerSecondPerNode: null, latencyGuard: null, scanCount: 1000, ...params };
    const { job } = await new JobService(rt).create({ kind: 'invalidate', clusterId: 'bench', namespace: 'ns', params: { ...full } }, change);
    const start = performance.now();
    for (;;) {
      const r = await runJobChunk(job.id, { ...rt, log: () => undefined });
      if (r.outcome !== 'ran') throw new Error(`chunk did not run: ${r.outcome}`);
      if (r.status !== 'running') break;
    }
    const ms = performance.now() - start;
    const view = await new JobService(rt).get(job.id);
    if (view.status !== 'succeeded') throw new Error(`job ${view.status}: ${JSON.stringify(view.error)}`);
    return { ms, progress: view.progress, chunks: view.chunks, result: view.result };
  }
  return { invalidate };
}

/** `redis-cli --scan --pattern P | xargs -n 1000 redis-cli unlink`, the documented shell way; returns ms. */
export async function redisCliInvalidate(port: number, pattern: string): Promise<number> {
  const start = performance.now();
  await run('sh', ['-c', `redis-cli -p ${port} --scan --pattern '${pattern}' | xargs -n 1000 redis-cli -p ${port} unlink > /dev/null`], { maxBuffer: 1 << 20 });
  return performance.now() - start;
}

/** 2 × `half` keys on a standalone server: `ns:0..` and `other:0..` (DEBUG POPULATE, seconds for millions). */
export async function populate(redis: Redis, half: number): Promise<void> {
  await redis.call('DEBUG', 'POPULATE', String(half), 'ns');
  await redis.call('DEBUG', 'POPULATE', String(half), 'other');
  const size = await redis.dbsize();
  if (size !== 2 * half) throw new Error(`populate: dbsize ${size}, expected ${2 * half}`);
}

/** Starts the GET load process; `stop()` returns its latency summary (ms). */
export function startGetLoad(port: number, n: number, prefix = 'other:'): { ready: Promise<void>; stop(): Promise<{ count: number; p50: number; p99: number; p999: number; max: number }> } {
  const child = spawn(process.execPath, [join(__dirname, 'invalidateGetLoad.js'), String(port), prefix, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('STARTED')) markReady();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ready,
    async stop() {
      child.stdin.end();
      await exited;
      const line = out.trim().split('\n').pop() ?? '{}';
      return JSON.parse(line) as { count: number; p50: number; p99: number; p999: number; max: number };
    },
  };
}
