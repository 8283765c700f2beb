import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { namespaceRoutes } from '../../shared/admin/namespaces/namespaceRoutes';
import { clusterJobRoutes, jobCancelRoutes, jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { invalidationRoutes } from '../../shared/admin/invalidation/invalidationRoutes';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { ttlHygieneRoutes } from '../../shared/admin/ttlHygiene/ttlHygieneRoutes';
import { freePort } from '../../tools/local/index';
import { callRoutes, testControlPlane, type Call } from '../controlplane/api';
import { connectStandalone, keyPrefix, useOwnRedis } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';

// Routes as the Functions runtime calls them; jobs land in a fresh <prefix>jobs table of the shared Azurite.
const own = useOwnRedis();
let cp: ControlPlane;
const prefix = keyPrefix('job-api');

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  const { host, port } = inject('redisStandalone');
  await put('/clusters/main', { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' } });
  await put('/clusters/main/namespaces/users', { keyPattern: `${prefix}user:*`, ttlSeconds: 600, ttlJitterPercent: 10 });
  await put('/clusters/main/namespaces/vault', { keyPattern: `${prefix}vault:*`, protected: true });
  await put('/clusters/main/namespaces/everything', { keyPattern: '*' });
  await put('/clusters/main/namespaces/plain', { keyPattern: `${prefix}plain:*` });
  const dead = await freePort();
  await put('/clusters/dead', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: dead }], secretRef: { kind: 'none' } });
  await put('/clusters/dead/namespaces/users', { keyPattern: 'user:*' });
});
afterAll(() => redisConnections.closeAll());

async function put(path: string, body: unknown): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  const params: Record<string, string> = { id: parts[1] ?? '' };
  if (parts[3]) params['ns'] = parts[3];
  const res = await callRoutes(cp, parts[3] ? namespaceRoutes : clusterRoutes, { method: 'PUT', path, params, body });
  if (res.status >= 300) throw new Error(`PUT ${path}: ${res.status} ${JSON.stringify(res.json)}`);
}

const invalidate = (id: string, ns: string, body?: unknown, as: Call['as'] = 'operator') =>
  callRoutes(cp, invalidationRoutes, { method: 'POST', path: `/clusters/${id}/namespaces/${ns}/invalidate`, params: { id, ns }, ...(body === undefined ? {} : { body }), as });

describe('POST /api/clusters/{id}/namespaces/{ns}/invalidate', () => {
  it('answers 202 with Location of a queued job that GET /api/jobs/{id} shows, and lists it under the cluster', async () => {
    const res = await invalidate('main', 'users');
    expect(res.status).toBe(202);
    expect(res.headers['location']).toBe(`/api/jobs/${res.json.jobId}`);
    const job = await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${res.json.jobId}`, params: { id: res.json.jobId }, as: 'reader' });
    expect(job.status).toBe(200);
    expect(job.json).toMatchObject({ kind: 'invalidate', clusterId: 'main', namespace: 'users', status: 'queued', params: { pattern: `${prefix}user:*` }, createdBy: { id: 'otto' } });
    const list = await callRoutes(cp, clusterJobRoutes, { method: 'GET', path: '/clusters/main/jobs', params: { id: 'main' }, as: 'reader' });
    expect(list.json.items.map((j: { id: string }) => j.id)).toContain(res.json.jobId);
  });

  it('404 for an unknown cluster or namespace', async () => {
    expect(await invalidate('nope', 'users')).toMatchObject({ status: 404, json: { code: 'cluster_not_found' } });
    expect(await invalidate('main', 'nope')).toMatchObject({ status: 404, json: { code: 'namespace_not_found' } });
  });

  it('refuses patterns outside the namespace, "*" included', async () => {
    for (const pattern of ['*', '*user:*', `${prefix}session:*`, `${prefix}use*`]) {
      const res = await invalidate('main', 'users', { pattern });
      expect(res.status, pattern).toBe(400);
      expect(res.json.code).toBe('pattern_not_namespace_scoped');
    }
    expect((await invalidate('main', 'users', { pattern: `${prefix}user:42:*` })).status).toBe(202);
  });

  it('protected and match-everything namespaces need force, and force needs the admin role', async () => {
    expect(await invalidate('main', 'vault')).toMatchObject({ status: 409, json: { code: 'namespace_protected' } });
    expect(await invalidate('main', 'vault', { force: true })).toMatchObject({ status: 403 });
    expect((await invalidate('main', 'vault', { force: true }, 'admin')).status).toBe(202);
    expect(await invalidate('main', 'everything')).toMatchObject({ status: 409, json: { code: 'namespace_protected' } });
    expect((await invalidate('main', 'everything', { force: true }, 'reader')).status).toBe(403);
  });

  it('rejects bad bodies naming the field', async () => {
    const res = await invalidate('main', 'users', { maxKeys: 0, scanCount: 'many' });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.maxKeys', 'body.scanCount']);
    expect((await invalidate('main', 'users', { pattern: 'user:\u00e9*' })).status).toBe(400);
  });

  it('an unreachable cluster is a fast 503 with the circuit state, and no job is created', async () => {
    const started = Date.now();
    const first = await invalidate('dead', 'users');
    expect(first.status).toBe(503);
    expect(first.json).toMatchObject({ code: 'redis_unavailable', clusterId: 'dead', circuit: { state: 'closed', consecutiveFailures: 1 } });
    await invalidate('dead', 'users');
    await invalidate('dead', 'users');
    const open = await invalidate('dead', 'users');
    expect(open.json).toMatchObject({ code: 'redis_circuit_open', circuit: { state: 'open' } });
    expect(Number(open.headers['retry-after'])).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(5000);
    const list = await callRoutes(cp, clusterJobRoutes, { method: 'GET', path: '/clusters/dead/jobs', params: { id: 'dead' }, as: 'reader' });
    expect(list.json.items).toEqual([]);
  });

  it('dry run: an exact count on a small server, nothing deleted', async () => {
    const redis = connectStandalone();
    for (let i = 0; i < 120; i++) await redis.set(`${prefix}plain:${i}`, 'x');
    const res = await invalidate('main', 'plain', { dryRun: true });
    expect(res.status).toBe(200);
    if (res.json.method === 'exact-scan') expect(res.json).toMatchObject({ dryRun: true, estimatedKeys: 120, margin95: 0 });
    else expect(Math.abs(res.json.estimatedKeys - 120)).toBeLessThanOrEqual(res.json.margin95 * 2);
    expect(await redis.exists(`${prefix}plain:0`)).toBe(1);
  });
});

describe('dry-run sampling on a larger server', () => {
  it('estimates within its 95 % margin (checked at 2x) by RANDOMKEY sampling', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(own.server.url);
    for (let i = 0; i < 30_000; i += 1000) {
      const p = redis.pipeline();
      for (let j = i; j < i + 1000; j++) p.set(j % 3 === 0 ? `ns:${j}` : `other:${j}`, '1');
      await p.exec();
    }
    await put('/clusters/own', { mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], secretRef: { kind: 'none' } });
    await put('/clusters/own/namespaces/ns', { keyPattern: 'ns:*' });
    const res = await invalidate('own', 'ns', { dryRun: true, sampleSize: 4000 });
    expect(res.json.method).toBe('randomkey-sampling');
    expect(res.json.margin95).toBeGreaterThan(0);
    expect(Math.abs(res.json.estimatedKeys - 10_000)).toBeLessThanOrEqual(res.json.margin95 * 2);
    expect(await redis.dbsize()).toBe(30_000);
    await redis.quit();
  });
});

describe('jobs API', () => {
  it('cancels a queued job at once, then 409; 404 unknown job; 400 malformed id', async () => {
    const { jobId } = (await invalidate('main', 'users')).json;
    const cancelled = await callRoutes(cp, jobCancelRoutes, { method: 'POST', path: `/jobs/${jobId}/cancel`, params: { id: jobId } });
    expect(cancelled).toMatchObject({ status: 200, json: { status: 'cancelled', cancelRequested: true } });
    expect((await callRoutes(cp, jobCancelRoutes, { method: 'POST', path: `/jobs/${jobId}/cancel`, params: { id: jobId } })).json.code).toBe('job_finished');
    expect((await callRoutes(cp, jobRoutes, { method: 'GET', path: '/jobs/invalidate-x', params: { id: 'invalidate-x' } })).status).toBe(404);
    expect((await callRoutes(cp, jobRoutes, { method: 'GET', path: '/jobs/..%2F', params: { id: '../x' } })).status).toBe(400);
    expect((await callRoutes(cp, jobCancelRoutes, { method: 'POST', path: `/jobs/${jobId}/cancel`, params: { id: jobId }, as: 'reader' })).status).toBe(403);
  });

  it('TTL hygiene: 202 for a TTL namespace, 409 for a namespace without TTL', async () => {
    const ok = await callRoutes(cp, ttlHygieneRoutes, { method: 'POST', path: '/clusters/main/namespaces/users/ttl-hygiene', params: { id: 'main', ns: 'users' }, body: { dryRun: true }, as: 'operator' });
    expect(ok.status).toBe(202);
    const none = await callRoutes(cp, ttlHygieneRoutes, { method: 'POST', path: '/clusters/main/namespaces/plain/ttl-hygiene', params: { id: 'main', ns: 'plain' }, as: 'operator' });
    expect(none).toMatchObject({ status: 409, json: { code: 'namespace_has_no_ttl' } });
  });
});
