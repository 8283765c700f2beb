import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host';
import { closeClient, useOwnRedis } from '../helpers/redis';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

// The real app from dist/ in the local host, its topic delivering per infra/eventgrid-subscriptions.json: the
// analysis job runs through the job runner subscription, the eviction subscriber gets the published alert.
const repoRoot = resolve(__dirname, '..', '..');
const keys = { admin: 'eviction-e2e-admin-key-0123456789', operator: 'eviction-e2e-operator-key-0123456789' };
const own = useOwnRedis(); // PUT eviction-policy changes server config
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    appDir: repoRoot,
    port: 0,
    settings: { AzureWebJobsStorage: azuriteConnectionString(), STATE_TABLE_PREFIX: uniqueTableName('evi'), API_KEYS: `ada:admin:${keys.admin};otto:operator:${keys.operator}` },
    log: () => undefined,
  });
  // The app publishes to the host's own topic (read on first use of the control plane, after this).
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  const redis = new Redis({ port: own.server.port });
  const pipeline = redis.pipeline();
  for (let i = 0; i < 400; i++) pipeline.set(`session:${i}`, 's'.repeat(80), 'EX', 1800);
  for (let i = 0; i < 100; i++) pipeline.hset(`ledger:${i}`, 'amount', String(i));
  await pipeline.exec();
  await closeClient(redis);
});

afterAll(async () => {
  await host?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
type Json = any;

async function api(method: string, path: string, body?: unknown, key: keyof typeof keys = 'admin'): Promise<{ status: number; headers: Headers; json: Json }> {
  const res = await fetch(`${host.url}/api${path}`, {
    method,
    headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': keys[key], ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const events = async (type: string) => ((await api('GET', '/clusters/e2e-evict/events?limit=100')).json.items as { type: string; data: Json; principal: { id: string } }[]).filter((e) => e.type === type);

describe('analysis and eviction policy through the local host', () => {
  it('registers the cluster, runs an analysis job to its report, applies the recommended policy, and reacts to a memory alert', async () => {
    expect((await api('PUT', '/clusters/e2e-evict', { mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], secretRef: { kind: 'none' } })).status).toBe(201);
    expect((await api('PUT', '/clusters/e2e-evict/namespaces/ledger', { keyPattern: 'ledger:*', retention: 'persistent' }, 'operator')).status).toBe(201);

    const started = await api('POST', '/clusters/e2e-evict/analysis', { mode: 'exact' }, 'operator');
    expect(started.status).toBe(202);
    const jobPath = started.headers.get('location')?.replace(/^\/api/, '') ?? '';
    const job = await until('the analysis job', async () => {
      const j = await api('GET', jobPath, undefined, 'operator');
      return j.json.status === 'succeeded' || j.json.status === 'failed' ? j.json : undefined;
    });
    expect(job).toMatchObject({ kind: 'analysis', status: 'succeeded', progress: { keysProbed: 500 } });
    expect(job.result.recommendation.recommended).toBe('volatile-lru');

    const report = await api('GET', job.result.report.replace(/^\/api/, ''), undefined, 'operator');
    expect(report.status).toBe(200);
    expect(report.json.summary.namespaces.map((n: { namespace: string }) => n.namespace).sort()).toEqual(['ledger', 'session:*']);

    const bad = await api('PUT', '/clusters/e2e-evict/eviction-policy', { policy: 'lru' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].message).toContain('noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl');
    const applied = await api('PUT', '/clusters/e2e-evict/eviction-policy', { policy: job.result.recommendation.recommended });
    expect(applied.status).toBe(200);
    expect((await api('GET', '/clusters/e2e-evict/eviction-policy', undefined, 'operator')).json).toMatchObject({ policy: 'volatile-lru', consistent: true });
    expect((await events('RedisClusterManager.Eviction.PolicyApplied'))[0]).toMatchObject({ principal: { id: 'ada' }, data: { previous: 'noeviction', applied: 'volatile-lru' } });

    // A forged alert (published with the topic key, so delivered): not firing in the alert store, so ignored.
    const forged = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/redis-cluster-manager',
      type: 'RedisClusterManager.Alert.Raised',
      subject: 'clusters/e2e-evict',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { clusterId: 'e2e-evict', alertId: 'memory-1', rule: 'memory_high', severity: 'warning', metric: 'used_memory_ratio', value: 0.92, threshold: 0.9, raisedAt: new Date().toISOString() },
    };
    const published = await fetch(`${host.topic.endpoint}?api-version=2018-01-01`, { method: 'POST', headers: { 'aeg-sas-key': host.topic.key, 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify([forged]) });
    expect(published.status).toBe(200);
    // The finished job published its recommendation (as the operator who started it) ...
    expect((await events('RedisClusterManager.Eviction.PolicyRecommended')).find((e) => e.data.analysis?.mode === 'exact')).toMatchObject({ principal: { id: 'otto' }, data: { current: 'noeviction', recommended: 'volatile-lru' } });

    // ... and a real memory alert brings a second one: memory at ~95 % of maxmemory, the rule without its delay, one
    // monitor tick raises it, the topic delivers it to the subscriber (with the eventgrid_extension key).
    expect((await api('PUT', '/clusters/e2e-evict/alert-rules', { rules: { memory_high: { forSeconds: 0 } } }, 'operator')).status).toBe(200);
    const redis = new Redis({ port: own.server.port });
    // One tick first: the monitor's first messaging discovery costs the server a one-time ~170 KB (reply buffers,
    // Pub/Sub and SCAN bookkeeping), 15 % of this tiny dataset; measured after it, the 5 % headroom below holds.
    const warmup = await fetch(`${host.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
    expect(warmup.status).toBe(202);
    await until('the first monitor tick', async () => ((await api('GET', '/clusters/e2e-evict/metrics?from=0', undefined, 'operator')).json.samples > 0 ? true : undefined));
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    await redis.config('SET', 'maxmemory', String(Math.ceil(used / 0.95)));
    try {
      const tick = await fetch(`${host.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
      expect(tick.status).toBe(202);
      const raised = await until('Alert.Raised from the monitor', async () => (await events('RedisClusterManager.Alert.Raised')).find((e) => e.data.rule === 'memory_high'));
      const recommended = await until('Eviction.PolicyRecommended from the alert', async () =>
        (await events('RedisClusterManager.Eviction.PolicyRecommended')).find((e) => e.data.trigger !== undefined),
      );
      expect(recommended).toMatchObject({ principal: { id: 'redis-cluster-manager' }, data: { current: 'volatile-lru', recommended: 'volatile-lru', trigger: { alertId: raised.data.alertId, metric: 'used_memory_ratio' } } });
      await host.deliveriesIdle();
      expect((await events('RedisClusterManager.Eviction.PolicyRecommended')).filter((e) => e.data.trigger?.alertId === 'memory-1')).toEqual([]);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
      await closeClient(redis);
    }
  });
});
