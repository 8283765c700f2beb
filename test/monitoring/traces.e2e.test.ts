import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, testSettings } from '../controlplane/api';
import { closeClient, connectStandalone, keyPrefix } from '../helpers/redis';

/**
 * Traces through the real local host with the real OpenTelemetry SDK and its in-memory span exporter (the SDK's own
 * test exporter; nothing of Azure is involved): the test process registers the tracer provider, the app's telemetry
 * is `off` so it registers none of its own, and every span the app makes through `@opentelemetry/api` lands here.
 * An HTTP request with a `traceparent` → the `Job.Queued` event it publishes → the `jobRunner` subscriber's span →
 * the job chunk's span: one trace.
 */
const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();

const root = join(__dirname, '..', '..');
const prefix = keyPrefix('traces');
let host: RunningHost;

function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys.admin, ...headers };
  if (body !== undefined) all['content-type'] = 'application/json';
  const response = await fetch(`${host.url}/api${path}`, { method, headers: all, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();

beforeAll(async () => {
  const settings = testSettings({ TELEMETRY_MODE: 'off' });
  host = await startHost({ appDir: root, entryFiles: ['functions/*.ts'], settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])), log: () => {} });
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  const { host: redisHost, port } = inject('redisStandalone');
  expect((await api('PUT', '/clusters/traced', { mode: 'standalone', endpoints: [{ host: redisHost, port }], secretRef: { kind: 'none' } })).status).toBe(201);
  expect((await api('PUT', '/clusters/traced/namespaces/users', { keyPattern: `${prefix}user:*` })).status).toBe(201);
});

afterAll(async () => {
  await host?.stop();
});

describe('invocation traces', () => {
  it('an HTTP request continues the caller trace, returns its traceparent and carries the correlation id', async () => {
    const traceId = 'a1'.repeat(16);
    const callerSpan = 'b2'.repeat(8);
    const got = await api('GET', '/clusters/traced', undefined, { traceparent: traceparent(traceId, callerSpan), 'x-correlation-id': 'corr-123' });
    expect(got.status).toBe(200);
    const returned = got.headers.get('traceparent') ?? '';
    expect(returned).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const span = await until('the cluster span', () => spans().find((s) => s.spanContext().traceId === traceId && s.name === 'cluster'));
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.parentSpanContext?.spanId).toBe(callerSpan);
    expect(returned.split('-')[2]).toBe(span.spanContext().spanId);
    expect(span.attributes).toMatchObject({ 'faas.trigger': 'http', 'rcm.correlation_id': 'corr-123', 'http.request.method': 'GET', 'http.response.status_code': 200 });
    expect(span.attributes['faas.invocation_id']).toEqual(expect.any(String));
  });

  it('a malformed traceparent starts a new trace instead of failing the request', async () => {
    const got = await api('GET', '/clusters/traced', undefined, { traceparent: '00-00000000000000000000000000000000-0000000000000000-01' });
    expect(got.status).toBe(200);
    expect(got.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(got.headers.get('traceparent')).not.toContain('0000000000000000');
  });

  it('request → event → subscriber → job chunk share one trace; the chunk span names the job', async () => {
    const redis = connectStandalone();
    try {
      const p = redis.pipeline();
      for (let i = 0; i < 200; i++) p.set(`${prefix}user:${i}`, 'v');
      await p.exec();
    } finally {
      await closeClient(redis);
    }
    const traceId = 'c3'.repeat(16);
    const started = await api('POST', '/clusters/traced/namespaces/users/invalidate', {}, { traceparent: traceparent(traceId, 'd4'.repeat(8)) });
    expect(started.status).toBe(202);
    const jobId = started.json.jobId as string;
    await until('the job to succeed', async () => ((await api('GET', `/jobs/${jobId}`)).json.status === 'succeeded' ? true : undefined));

    const request = await until('the invalidate span', () => spans().find((s) => s.spanContext().traceId === traceId && s.name === 'invalidateNamespace'));
    const runner = await until('the jobRunner span', () => spans().find((s) => s.spanContext().traceId === traceId && s.name === 'jobRunner'));
    const chunk = await until('the job chunk span', () => spans().find((s) => s.spanContext().traceId === traceId && s.name === 'job.chunk invalidate'));
    // The Job.Queued CloudEvent carried the request span's traceparent; the subscriber continued it.
    expect(runner.kind).toBe(SpanKind.CONSUMER);
    expect(runner.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(runner.attributes).toMatchObject({ 'faas.trigger': 'pubsub', 'messaging.system': 'eventgrid', 'cloudevents.event_type': 'RedisClusterManager.Job.Queued' });
    expect(chunk.parentSpanContext?.spanId).toBe(runner.spanContext().spanId);
    expect(chunk.attributes).toMatchObject({ 'rcm.job.id': jobId, 'rcm.job.kind': 'invalidate', 'rcm.cluster.id': 'traced', 'rcm.job.chunk': 1, 'rcm.job.outcome': 'succeeded' });
  });

  it('a timer invocation gets its own span (a new trace)', async () => {
    const before = spans().length;
    const run = await fetch(`${host.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
    expect(run.status).toBe(202);
    const span = await until('the monitor span', () => spans().slice(before).find((s) => s.name === 'monitor'));
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes['faas.trigger']).toBe('timer');
    expect(span.parentSpanContext).toBeUndefined();
  });
});
