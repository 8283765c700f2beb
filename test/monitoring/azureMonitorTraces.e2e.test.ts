import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, testSettings } from '../controlplane/api';
import { closeClient, connectStandalone, keyPrefix } from '../helpers/redis';
import { startIngestionStandIn, type IngestionStandIn, type TrackEnvelope } from './ingestionStandIn';

/**
 * The app's own telemetry start in `azure-monitor` mode (the default when APPLICATIONINSIGHTS_CONNECTION_STRING is
 * set), through the real local host, with the real `@azure/monitor-opentelemetry` distro and exporter pointed at a
 * local ingestion stand-in that records the track requests. Spans become Application Insights requests and
 * dependencies; one trace is one `ai.operation.id`.
 */
const root = join(__dirname, '..', '..');
const prefix = keyPrefix('ai-traces');
let host: RunningHost;
let ingestion: IngestionStandIn;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys.admin, ...headers };
  if (body !== undefined) all['content-type'] = 'application/json';
  const response = await fetch(`${host.url}/api${path}`, { method, headers: all, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Requests carry the function's name in `faas.name` (the exporter names only HTTP ones); dependencies their span name. */
const inTrace = (traceId: string, name: string) => (e: TrackEnvelope) =>
  e.tags?.['ai.operation.id'] === traceId && (e.data?.baseData?.properties?.['faas.name'] === name || e.data?.baseData?.name === name);

beforeAll(async () => {
  ingestion = await startIngestionStandIn();
  // Statsbeat/SDK stats would call Azure's own endpoints; nothing leaves the machine in a test.
  process.env['APPLICATIONINSIGHTS_STATSBEAT_DISABLED'] = 'true';
  process.env['APPLICATIONINSIGHTS_SDKSTATS_DISABLED'] = 'true';
  // The stand-in's certificate is self-signed (see ingestionStandIn.ts); this process talks only to local servers.
  process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
  const settings = testSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString });
  host = await startHost({ appDir: root, entryFiles: ['functions/*.ts'], settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])), log: () => {} });
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  const { host: redisHost, port } = inject('redisStandalone');
  expect((await api('PUT', '/clusters/aitraced', { mode: 'standalone', endpoints: [{ host: redisHost, port }], secretRef: { kind: 'none' } })).status).toBe(201);
  expect((await api('PUT', '/clusters/aitraced/namespaces/users', { keyPattern: `${prefix}user:*` })).status).toBe(201);
}, 90_000);

afterAll(async () => {
  await host?.stop();
  await ingestion?.close();
});

describe('traces and metrics through the Azure Monitor exporter', () => {
  it('request → Job.Queued → jobRunner → job chunk arrive as one operation; the chunk names its job', { timeout: 90_000 }, async () => {
    const redis = connectStandalone();
    try {
      const p = redis.pipeline();
      for (let i = 0; i < 100; i++) p.set(`${prefix}user:${i}`, 'v');
      await p.exec();
    } finally {
      await closeClient(redis);
    }
    const traceId = 'e5'.repeat(16);
    const started = await api('POST', '/clusters/aitraced/namespaces/users/invalidate', {}, { traceparent: `00-${traceId}-${'f6'.repeat(8)}-01`, 'x-correlation-id': 'ai-corr-1' });
    expect(started.status).toBe(202);
    expect(started.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-`));
    const jobId = started.json.jobId as string;
    await until('the job to succeed', async () => ((await api('GET', `/jobs/${jobId}`)).json.status === 'succeeded' ? true : undefined));

    // The distro batches spans (5 s); wait for the track requests.
    const request = await until('the invalidateNamespace request', () => ingestion.envelopes.find(inTrace(traceId, 'invalidateNamespace')));
    const runner = await until('the jobRunner request', () => ingestion.envelopes.find(inTrace(traceId, 'jobRunner')));
    const chunk = await until('the job chunk', () => ingestion.envelopes.find(inTrace(traceId, 'job.chunk invalidate')));
    expect(request.data?.baseType).toBe('RequestData');
    expect(request.tags?.['ai.operation.parentId']).toBe('f6'.repeat(8));
    expect(request.data?.baseData?.properties?.['rcm.correlation_id']).toBe('ai-corr-1');
    expect(runner.data?.baseType).toBe('RequestData');
    expect(runner.tags?.['ai.operation.parentId']).toBe(request.data?.baseData?.id);
    expect(chunk.data?.baseType).toBe('RemoteDependencyData');
    expect(chunk.tags?.['ai.operation.parentId']).toBe(runner.data?.baseData?.id);
    expect(chunk.data?.baseData?.properties).toMatchObject({ 'rcm.job.id': jobId, 'rcm.job.kind': 'invalidate', 'rcm.cluster.id': 'aitraced' });
  });

  it("the collector's metrics go out on the same process-wide start (Azure Monitor names)", { timeout: 90_000 }, async () => {
    // An incident that fires on the first tick (any PING round trip is above 1 ns), so its series exists.
    const rules = await api('PUT', '/clusters/aitraced/alert-rules', { rules: { rtt_high: { raiseAt: 0.000001, clearAt: 0, forSeconds: 0 } } });
    expect(rules.status, JSON.stringify(rules.json)).toBe(200);
    const run = await fetch(`${host.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
    expect(run.status).toBe(202);
    const metric = await until('a usedmemory metric', () =>
      ingestion.envelopes.find((e) => e.data?.baseType === 'MetricData' && (e.data.baseData?.metrics ?? []).some((m) => m.name === 'usedmemory')),
    );
    expect(metric.iKey).toBe('00000000-0000-4000-8000-000000000016');
    // The app's own firing incidents, the metric the Action Group's email alert watches: one series per incident.
    const alerts = await until('an rcm.alerts.firing metric', () =>
      ingestion.envelopes.find((e) => e.data?.baseType === 'MetricData' && (e.data.baseData?.metrics ?? []).some((m) => m.name === 'rcm.alerts.firing')),
    );
    expect(alerts.data?.baseData?.properties).toMatchObject({ 'redis.cluster': 'aitraced', 'rcm.alert.rule': 'rtt_high', 'rcm.alert.severity': 'warning', 'redis.node': expect.stringMatching(/:\d+$/) });
    expect(alerts.data?.baseData?.metrics?.find((m) => m.name === 'rcm.alerts.firing')?.value).toBe(1);
  });
});
