import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../shared/platform/auth/Principal';
import { jobWorkerRuntime, type JobWorkerRuntime } from '../../shared/app/jobKinds';
import { controlPlane } from '../../shared/platform/controlPlane';
import { JobService } from '../../shared/platform/jobs/JobService';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { takeHotSetSnapshot } from '../../shared/warming/hotSetSnapshot';
import { requestWarm } from '../../shared/warming/requestWarm';
import { bodySize } from '../../shared/warming/sources/httpSource';
import { redisSource } from '../../shared/warming/sources/redisSource';
import { closeClient, keyPrefix, useOwnRedis } from '../helpers/redis';
import { azuriteConnectionString, uniqueContainerName, uniqueTableName } from '../helpers/storage';
import { blobService } from './fixtures';

/**
 * Totals for the progress bar of HTTP, Redis-source and snapshot warms (blob warms: warmJob.redis.test.ts): the job
 * counts `read` against `recordsEstimated`, from Content-Length, the source's key count, or the snapshot blob's size.
 */
const operator: Principal = { id: 'otto', kind: 'api-key', role: 'operator' };
const change = { principal: operator, correlationId: 'warm-progress-test' };
const source = useOwnRedis();
let rt: JobWorkerRuntime;
let server: Server;
let baseUrl = '';
let counter = 0;
/** Bodies the test server answers, by path; `chunked` ones are sent without a Content-Length. */
const bodies = new Map<string, { text: string; chunked: boolean }>();

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  process.env['STATE_TABLE_PREFIX'] = uniqueTableName('warmprog');
  process.env['WARM_BLOB_CONTAINERS'] = 'warm-*';
  process.env['WARM_HTTP_ALLOWED_HOSTS'] = '127.0.0.1';
  process.env['WARM_SNAPSHOT_CONTAINER'] = uniqueContainerName('warm-snap');
  rt = await jobWorkerRuntime(await controlPlane());
  rt = { ...rt, settings: { ...rt.settings, chunkBudgetMs: 5000, maxFailedChunks: 5 } };
  server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    if (body.chunked) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(body.text.slice(0, 10));
      return void res.end(body.text.slice(10));
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(body.text) }).end(body.text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

async function clusterWithPlan(prefix: string, warmPlan: Record<string, unknown>): Promise<string> {
  const clusterId = `wp-${process.pid}-${counter++}`;
  const { host, port } = inject('redisStandalone');
  await rt.cp.clusters.put(clusterId, { mode: 'standalone', endpoints: [{ host, port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
  await rt.cp.namespaces.put(clusterId, 'ns', { keyPattern: `${prefix}*`, ttlSeconds: 600, ttlJitterPercent: 0, priority: 50, protected: false, warmPlan: warmPlan as never }, change);
  return clusterId;
}

const short = () => ({ ...rt, settings: { ...rt.settings, chunkBudgetMs: 1000 }, log: () => undefined });

async function runToEnd(jobId: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const r = await runJobChunk(jobId, { ...rt, log: () => undefined });
    if (r.outcome !== 'ran' || r.status !== 'running') return;
  }
  throw new Error('not finished');
}

const ndjson = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${prefix}${i}`, value: 'v'.repeat(i % 40) })).join('\n') + '\n';

describe('warm progress totals', () => {
  it('HTTP with Content-Length: the body size gives the total; percent and ETA while running, 100 % at the end', async () => {
    const prefix = keyPrefix('httpeta');
    const records = 3000;
    const text = ndjson(prefix, records);
    bodies.set(`/${prefix}.ndjson`, { text, chunked: false });
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'http', url: `${baseUrl}/${prefix}.ndjson`, allowPrivateNetworks: true }, mapping: { key: '{id}' }, keysPerSecond: 1500 });
    const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
    const jobs = new JobService(rt);
    expect(await runJobChunk(job.id, short())).toMatchObject({ outcome: 'ran', status: 'running' });
    const running = await jobs.get(job.id);
    const bytes = Buffer.byteLength(text);
    expect(running.progress).toMatchObject({ sourceBytes: bytes });
    const read = running.progress['read'] ?? 0;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(records);
    expect(running.progress['total']).toBe(Math.round((read * bytes) / (running.progress['sourceBytesRead'] ?? 1)));
    expect(Math.abs((running.progress['total'] ?? 0) - records) / records).toBeLessThan(0.25);
    expect(running.measure).toMatchObject({ counter: 'read', exact: false, basis: expect.stringContaining('Content-Length') });
    expect(running.percent).toBeGreaterThan(0);
    expect(running.percent).toBeLessThan(100);
    expect(running.etaSeconds).toBeGreaterThan(0);
    await runToEnd(job.id);
    expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', percent: 100, progress: { read: records, written: records, total: records, sourceBytes: bytes, sourceBytesRead: bytes } });
  });

  it('HTTP without a length (chunked): counts only, no total is made up', async () => {
    const prefix = keyPrefix('httpchunk');
    bodies.set(`/${prefix}.ndjson`, { text: ndjson(prefix, 50), chunked: true });
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'http', url: `${baseUrl}/${prefix}.ndjson`, allowPrivateNetworks: true }, mapping: { key: '{id}' } });
    const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
    await runToEnd(job.id);
    const view = await new JobService(rt).get(job.id);
    expect(view.status).toBe('succeeded');
    expect(view.progress['sourceBytes']).toBeUndefined();
    // Done: the records read are the total (the job knows it now), nothing estimated before.
    expect(view.progress).toMatchObject({ read: 50, written: 50 });
  });

  it('Redis source: the total is the source\'s matching keys (a SCAN MATCH count on a small node), read against it, 100 % at the end', async () => {
    const prefix = keyPrefix('r2reta');
    const src = new Redis(source.server.port, '127.0.0.1');
    try {
      for (let i = 0; i < 1500; i += 500) {
        const p = src.pipeline();
        for (let j = i; j < i + 500; j++) p.set(`${prefix}${j}`, 'v', 'EX', 600);
        await p.exec();
      }
      for (let i = 0; i < 300; i++) await src.set(`other:${prefix}${i}`, 'x');
      const sourceId = `wp-src-${process.pid}-${counter++}`;
      await rt.cp.clusters.put(sourceId, { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: source.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
      const clusterId = await clusterWithPlan(prefix, { source: { kind: 'redis', clusterId: sourceId }, keysPerSecond: 1000 });
      const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
      const jobs = new JobService(rt);
      expect(await runJobChunk(job.id, short())).toMatchObject({ outcome: 'ran', status: 'running' });
      const running = await jobs.get(job.id);
      expect(running.progress).toMatchObject({ sourceKeysEstimated: 1500, total: 1500 });
      expect(running.measure).toMatchObject({ counter: 'read', exact: false, basis: expect.stringContaining('SCAN MATCH') });
      expect(running.percent).toBeGreaterThan(0);
      expect(running.percent).toBeLessThan(100);
      await runToEnd(job.id);
      expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', percent: 100, progress: { read: 1500, written: 1500, total: 1500, sourceKeysEstimated: 1500 } });
    } finally {
      await closeClient(src);
    }
  });

  it('Redis source over 2,000 keys: the total is DBSIZE × the matching share of a RANDOMKEY sample (an estimate)', async () => {
    const prefix = keyPrefix('r2rsample');
    const src = new Redis(source.server.port, '127.0.0.1');
    try {
      await src.flushall(); // the test's own server: a known keyspace of 3,000 matching and 1,000 other keys
      for (let i = 0; i < 4000; i += 1000) {
        const p = src.pipeline();
        for (let j = i; j < i + 1000; j++) p.set(j < 3000 ? `${prefix}${j}` : `other:${j}`, 'v');
        await p.exec();
      }
      const target = { id: 'sample-src', mode: 'standalone' as const, endpoints: [{ host: '127.0.0.1', port: source.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
      const estimate = await redisSource(target, { pattern: `${prefix}*`, readFrom: 'master', ttlForPersistent: () => null }).estimateRecords!();
      // 256 draws at p = 0.75: the 95 % bound is ±5.4 % of 4,000 (±216); ±15 % (450) is beyond 5 standard deviations.
      expect(Math.abs(estimate - 3000)).toBeLessThanOrEqual(450);
      expect(await redisSource(target, { pattern: '*', readFrom: 'master', ttlForPersistent: () => null }).estimateRecords!()).toBe(4000);
    } finally {
      await closeClient(src);
    }
  });

  it('snapshot: the snapshot blob size gives the total, 100 % at the end', async () => {
    const prefix = keyPrefix('snapeta');
    const { host, port } = inject('redisStandalone');
    const redis = new Redis(port, host);
    try {
      const clusterId = await clusterWithPlan(prefix, { source: { kind: 'snapshot' }, keysPerSecond: 1000 });
      for (let i = 0; i < 2000; i += 500) {
        const p = redis.pipeline();
        for (let j = i; j < i + 500; j++) p.set(`${prefix}${j}`, 'v'.repeat(j % 30), 'EX', 3600);
        await p.exec();
      }
      const target = { id: clusterId, mode: 'standalone' as const, endpoints: [{ host, port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
      const container = process.env['WARM_SNAPSHOT_CONTAINER'] ?? '';
      const snapshot = await takeHotSetSnapshot(target, { namespace: 'ns', keyPattern: `${prefix}*` }, blobService(), container, { topN: 2000 });
      expect(snapshot.keys).toBe(2000);
      const blob = (await blobService().getContainerClient(container).getBlobClient(snapshot.blob).getProperties()).contentLength;
      const keys = [];
      for (let i = 0; i < 2000; i++) keys.push(`${prefix}${i}`);
      await redis.unlink(...keys);
      const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
      const jobs = new JobService(rt);
      expect(await runJobChunk(job.id, short())).toMatchObject({ outcome: 'ran', status: 'running' });
      const running = await jobs.get(job.id);
      expect(running.progress).toMatchObject({ sourceBytes: blob });
      expect(Math.abs((running.progress['total'] ?? 0) - 2000) / 2000).toBeLessThan(0.25);
      expect(running.measure).toMatchObject({ basis: expect.stringContaining('snapshot blob size') });
      expect(running.percent).toBeGreaterThan(0);
      expect(running.percent).toBeLessThan(100);
      await runToEnd(job.id);
      expect(await jobs.get(job.id)).toMatchObject({ status: 'succeeded', percent: 100, progress: { read: 2000, written: 2000, total: 2000, sourceBytes: blob, sourceBytesRead: blob } });
    } finally {
      await closeClient(redis);
    }
  });
});

describe('the size of an HTTP body from its headers', () => {
  it('206 Content-Range total, 206 offset + length, 200 length; nothing without a length', () => {
    expect(bodySize({ statusCode: 206, headers: { 'content-range': 'bytes 100-199/5000', 'content-length': '100' } }, 100)).toBe(5000);
    expect(bodySize({ statusCode: 206, headers: { 'content-range': 'bytes 100-199/*', 'content-length': '100' } }, 100)).toBe(200);
    expect(bodySize({ statusCode: 200, headers: { 'content-length': '42' } }, 0)).toBe(42);
    expect(bodySize({ statusCode: 200, headers: {} }, 0)).toBeNull();
  });
});
