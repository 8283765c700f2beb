import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisReportRoutes, analysisRoutes } from '../../shared/eviction/analysis/analysisRoutes';
import { clusterEventRoutes } from '../../shared/admin/clusters/clusterEventRoutes';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import { evictionPolicyRoutes } from '../../shared/eviction/policy/evictionPolicyRoutes';
import { jobWorkerRuntime } from '../../shared/app/jobKinds';
import { jobRoutes } from '../../shared/platform/jobs/jobRoutes';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { namespaceRoutes } from '../../shared/admin/namespaces/namespaceRoutes';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { callRoutes, testControlPlane, type Call } from '../controlplane/api';
import { closeClient, useOwnCluster, useOwnRedis } from '../helpers/redis';
import { azuriteConnectionString } from '../helpers/storage';

// Own servers: PUT eviction-policy runs CONFIG SET on every node.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1 });
const noConfig = useOwnRedis({ args: ['--rename-command', 'CONFIG', ''] });
const plain = useOwnRedis();
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await put('/clusters/ev-main', { mode: 'cluster', endpoints: own.cluster.seeds, secretRef: { kind: 'none' } });
  await put('/clusters/ev-noconfig', { mode: 'standalone', endpoints: [{ host: noConfig.server.host, port: noConfig.server.port }], secretRef: { kind: 'none' } });
  await put('/clusters/ev-plain', { mode: 'standalone', endpoints: [{ host: plain.server.host, port: plain.server.port }], secretRef: { kind: 'none' } });
});
afterAll(() => redisConnections.closeAll());

async function put(path: string, body: unknown): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  const params: Record<string, string> = { id: parts[1] ?? '' };
  if (parts[3]) params['ns'] = parts[3];
  const res = await callRoutes(cp, parts[3] ? namespaceRoutes : clusterRoutes, { method: 'PUT', path, params, body, as: 'admin' });
  if (res.status >= 300) throw new Error(`PUT ${path}: ${res.status} ${JSON.stringify(res.json)}`);
}

const policy = (id: string, method: 'GET' | 'PUT', body?: unknown, as: Call['as'] = 'admin') =>
  callRoutes(cp, evictionPolicyRoutes, { method, path: `/clusters/${id}/eviction-policy`, params: { id }, ...(body === undefined ? {} : { body }), as });

/** What each node itself says, over its own connection (not through the code under test). */
async function policiesOnNodes(ports: number[]): Promise<string[]> {
  return Promise.all(
    ports.map(async (port) => {
      const redis = new Redis({ port, lazyConnect: true });
      await redis.connect();
      const [, value] = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
      await closeClient(redis);
      return value ?? '';
    }),
  );
}

describe('PUT /api/clusters/{id}/eviction-policy (self-hosted: CONFIG SET on every node)', () => {
  it('changes the policy on every master and replica, verifies it, and records it in the audit log', async () => {
    const ports = own.cluster.nodes.map((n) => n.port);
    expect(await policiesOnNodes(ports)).toEqual(ports.map(() => 'noeviction'));
    const res = await policy('ev-main', 'PUT', { policy: 'allkeys-lfu' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ method: 'config-set', previous: 'noeviction', applied: 'allkeys-lfu', verified: true });
    expect(res.json.nodes).toHaveLength(6);
    expect(res.json.nodes.filter((n: { role: string }) => n.role === 'replica')).toHaveLength(3);
    for (const node of res.json.nodes) expect(node).toMatchObject({ before: 'noeviction', after: 'allkeys-lfu', verified: true, persisted: false });
    expect(await policiesOnNodes(ports)).toEqual(ports.map(() => 'allkeys-lfu'));

    const audit = await callRoutes(cp, clusterEventRoutes, { method: 'GET', path: '/clusters/ev-main/events', params: { id: 'ev-main' }, as: 'reader' });
    const applied = audit.json.items.find((e: { type: string }) => e.type === 'RedisClusterManager.Eviction.PolicyApplied');
    expect(applied).toMatchObject({ principal: { id: 'ada', role: 'admin' }, data: { clusterId: 'ev-main', previous: 'noeviction', applied: 'allkeys-lfu', method: 'config-set', forced: false } });
    expect(applied.data.nodes).toHaveLength(6);
    expect(applied.version).toBe(res.json.auditVersion);

    const read = await policy('ev-main', 'GET', undefined, 'reader');
    expect(read.json).toMatchObject({ policy: 'allkeys-lfu', consistent: true });
    expect(read.json.nodes).toHaveLength(6);
  });

  it('an unknown policy is a 400 listing the valid ones, and nothing changes', async () => {
    const res = await policy('ev-main', 'PUT', { policy: 'allkeys-lfru' });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_failed');
    expect(res.json.errors).toEqual([
      { field: 'body.policy', message: 'must be one of: noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl' },
    ]);
    expect(await policiesOnNodes(own.cluster.nodes.map((n) => n.port))).toEqual(own.cluster.nodes.map(() => 'allkeys-lfu'));
  });

  it('needs the admin role', async () => {
    expect((await policy('ev-main', 'PUT', { policy: 'allkeys-lru' }, 'operator')).status).toBe(403);
    expect((await policy('nope', 'PUT', { policy: 'allkeys-lru' })).status).toBe(404);
  });

  it('allkeys-* with a protected or persistent namespace needs force; volatile-* does not', async () => {
    await put('/clusters/ev-plain/namespaces/ledger', { keyPattern: 'ledger:*', retention: 'persistent' });
    expect(await policy('ev-plain', 'PUT', { policy: 'allkeys-lru' })).toMatchObject({ status: 409, json: { code: 'protected_namespaces' } });
    expect(await policiesOnNodes([plain.server.port])).toEqual(['noeviction']);
    expect((await policy('ev-plain', 'PUT', { policy: 'volatile-lru' })).status).toBe(200);
    const forced = await policy('ev-plain', 'PUT', { policy: 'allkeys-lru', force: true });
    expect(forced.status).toBe(200);
    const audit = await callRoutes(cp, clusterEventRoutes, { method: 'GET', path: '/clusters/ev-plain/events', params: { id: 'ev-plain' }, as: 'reader' });
    expect(audit.json.items.find((e: { type: string }) => e.type === 'RedisClusterManager.Eviction.PolicyApplied')?.data).toMatchObject({ previous: 'volatile-lru', applied: 'allkeys-lru', forced: true });
  });

  it('a server that refuses CONFIG (a managed cache registered as self-hosted) gets a 422 pointing to the ARM path', async () => {
    const res = await policy('ev-noconfig', 'PUT', { policy: 'allkeys-lru' });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('config_set_not_supported');
    expect(res.json.detail).toMatch(/azureResourceId.*Azure Resource Manager/);
  });
});

describe('analysis job', () => {
  it('sampled on a 3-master cluster: one cursor per master, draws split by DBSIZE, estimates with bounds', async () => {
    const cluster = new Cluster(own.cluster.seeds);
    await Promise.all(Array.from({ length: 900 }, (_, i) => cluster.set(`img:${i}`, 'i'.repeat(200), 'EX', 20_000)));
    const sizes = await Promise.all(Array.from({ length: 900 }, (_, i) => cluster.call('MEMORY', 'USAGE', `img:${i}`)));
    const exactBytes = sizes.reduce<number>((sum, n) => sum + Number(n), 0);
    await closeClient(cluster);
    const start = await callRoutes(cp, analysisRoutes, { method: 'POST', path: '/clusters/ev-main/analysis', params: { id: 'ev-main' }, body: { samples: 600 }, as: 'operator' });
    expect(start.status).toBe(202);
    const rt = await jobWorkerRuntime(cp);
    const ran = await runJobChunk(start.json.jobId, { ...rt, log: () => undefined });
    expect(ran).toMatchObject({ outcome: 'ran', status: 'succeeded' });
    const job = await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${start.json.jobId}`, params: { id: start.json.jobId }, as: 'reader' });
    expect(job.json.nodes).toHaveLength(3);
    expect(job.json.progress.dbsize).toBe(900);
    expect(job.json.result.mode).toBe('sampled');
    const img = job.json.result.namespaces.find((n: { namespace: string }) => n.namespace === 'img:*');
    expect(img.keys.errorBound95).toBe(0); // every sample is in the one namespace: its key estimate is exact
    expect(img.keys.value).toBeCloseTo(900, 6);
    expect(Math.abs(img.memoryBytes.value - exactBytes)).toBeLessThanOrEqual(Math.max(img.memoryBytes.errorBound95 * 2, exactBytes * 0.02));
  });

  it('exact: runs over several bounded chunks, stores the result at the job, and serves the full report', async () => {
    const seed = new Redis({ port: plain.server.port });
    const pipeline = seed.pipeline();
    for (let i = 0; i < 3000; i++) pipeline.set(`cart:${i}`, 'c'.repeat(64), 'EX', 7200);
    for (let i = 0; i < 500; i++) pipeline.hset(`ledger:${i}`, 'amount', String(i));
    await pipeline.exec();
    await closeClient(seed);

    const start = await callRoutes(cp, analysisRoutes, { method: 'POST', path: '/clusters/ev-plain/analysis', params: { id: 'ev-plain' }, body: { mode: 'exact', maxKeysPerSecond: 1000, scanCount: 100 }, as: 'operator' });
    expect(start.status).toBe(202);
    expect(start.headers['location']).toBe(`/api/jobs/${start.json.jobId}`);
    const rt = await jobWorkerRuntime(cp);
    const settings = { ...rt.settings, chunkBudgetMs: 1500, leaseGraceMs: 1000 };
    let chunks = 0;
    for (;;) {
      const ran = await runJobChunk(start.json.jobId, { ...rt, settings, log: () => undefined });
      chunks += 1;
      if (ran.outcome !== 'ran' || ran.status !== 'running' || chunks > 30) break;
    }
    expect(chunks).toBeGreaterThan(1); // 3500 keys at 1000 keys/s do not fit in one 1.5 s chunk

    const job = await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${start.json.jobId}`, params: { id: start.json.jobId }, as: 'reader' });
    expect(job.json).toMatchObject({ kind: 'analysis', status: 'succeeded', progress: { keysProbed: 3500 } });
    expect(job.json.result.recommendation).toMatchObject({ current: 'allkeys-lru', recommended: 'volatile-lru' });
    expect(job.json.result.report).toBe(`/api/clusters/ev-plain/analysis/${start.json.jobId}`);

    const report = await callRoutes(cp, analysisReportRoutes, { method: 'GET', path: job.json.result.report, params: { id: 'ev-plain', jobId: start.json.jobId }, as: 'reader' });
    expect(report.status).toBe(200);
    const ledger = report.json.summary.namespaces.find((n: { namespace: string }) => n.namespace === 'ledger');
    expect(ledger).toMatchObject({ configured: true, keys: { value: 500, errorBound95: null }, ttl: { none: { keys: 500 } } });
    const carts = report.json.summary.namespaces.find((n: { namespace: string }) => n.namespace === 'cart:*');
    expect(carts).toMatchObject({ configured: false, keys: { value: 3000 }, ttl: { '1h-4h': { keys: 3000 } } });
    expect(report.json.recommendation.reasons.map((r: { rule: string }) => r.rule)).toContain('persistent_data');

    // The finished job publishes its recommendation (audited, in the cluster's stream).
    const audit = await callRoutes(cp, clusterEventRoutes, { method: 'GET', path: '/clusters/ev-plain/events', params: { id: 'ev-plain' }, as: 'reader' });
    const recommended = audit.json.items.find((e: { type: string }) => e.type === 'RedisClusterManager.Eviction.PolicyRecommended');
    expect(recommended?.data).toMatchObject({ clusterId: 'ev-plain', current: 'allkeys-lru', recommended: 'volatile-lru', analysis: { mode: 'exact', keysProbed: 3500 } });
    expect(recommended?.data.reasons.join(' ')).toContain('namespaces marked persistent (ledger)');
  });
});
