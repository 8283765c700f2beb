import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost } from '../../tools/host/index';
import type { RunningHost } from '../../tools/host/index';
import { apiKeys, sampleCluster, samplePolicy, testSettings } from './api';
import { TopicReceiver } from './topicReceiver';

/** Through the local Functions host: the real registrations, function keys, routing and timer. */
const root = join(__dirname, '..', '..');
// Every function of the app (from source), so openapi.json is compared with everything the app registers.
const entryFiles = ['functions/*.ts'];
const topic = new TopicReceiver('e2e-topic-key');
let host: RunningHost;

beforeAll(async () => {
  // The topic is down while the admin calls run: its port is reserved, then closed.
  await topic.start();
  await topic.stop();
  const settings = testSettings({ EVENTGRID_TOPIC_ENDPOINT: topic.endpoint, EVENTGRID_TOPIC_KEY: topic.key, EVENTGRID_PUBLISH_TIMEOUT_MS: 2000 });
  host = await startHost({
    appDir: root,
    entryFiles,
    settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
    subscriptionsFile: join(__dirname, 'noSubscriptions.json'),
    log: () => {},
  });
});
afterAll(async () => {
  await host?.stop();
  await topic.stop();
});

async function api(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; key?: keyof typeof apiKeys } = {}) {
  const headers: Record<string, string> = { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys[options.key ?? 'admin'], ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${host.url}/api${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

describe('admin API through the local host', () => {
  it('registers, reads with ETag, refuses a stale If-Match, lists and deletes clusters and namespaces; the audit log shows each change', async () => {
    expect((await fetch(`${host.url}/api/clusters`, { headers: { 'x-api-key': apiKeys.admin } })).status).toBe(401); // no function key
    const created = await api('PUT', '/clusters/e2e-main', { body: sampleCluster });
    expect(created.status).toBe(201);
    const read = await api('GET', '/clusters/e2e-main', { key: 'reader' });
    const etag = read.headers.get('etag') ?? '';
    expect([read.status, etag, read.json.secretRef]).toEqual([200, '"1"', sampleCluster.secretRef]);
    const updated = await api('PUT', '/clusters/e2e-main', { body: { ...sampleCluster, displayName: 'Main cache' }, headers: { 'if-match': etag } });
    expect([updated.status, updated.headers.get('etag')]).toEqual([200, '"2"']);
    const stale = await api('PUT', '/clusters/e2e-main', { body: { ...sampleCluster, displayName: 'lost update' }, headers: { 'if-match': etag } });
    expect([stale.status, stale.json.code]).toEqual([412, 'precondition_failed']);
    expect((await api('GET', '/clusters/e2e-main')).json.displayName).toBe('Main cache');

    const ns = await api('PUT', '/clusters/e2e-main/namespaces/users', { body: samplePolicy, key: 'operator' });
    expect([ns.status, ns.headers.get('etag')]).toEqual([201, '"3"']);
    const nsStale = await api('PUT', '/clusters/e2e-main/namespaces/users', { body: { ...samplePolicy, ttlSeconds: 60 }, key: 'operator', headers: { 'if-match': '"1"' } });
    expect(nsStale.status).toBe(412);
    expect((await api('GET', '/clusters/e2e-main/namespaces', { key: 'reader' })).json.items.map((p: { namespace: string }) => p.namespace)).toEqual(['users']);
    expect((await api('DELETE', '/clusters/e2e-main/namespaces/users', { key: 'operator', headers: { 'if-match': '"3"' } })).status).toBe(204);
    expect((await api('GET', '/clusters/e2e-main/namespaces/users')).status).toBe(404);

    await api('PUT', '/clusters/e2e-other', { body: sampleCluster });
    expect((await api('GET', '/clusters', { key: 'reader' })).json.items.map((c: { id: string }) => c.id)).toEqual(['e2e-main', 'e2e-other']);
    expect((await api('DELETE', '/clusters/e2e-other')).status).toBe(204);
    expect((await api('GET', '/clusters')).json.items.map((c: { id: string }) => c.id)).toEqual(['e2e-main']);
    expect((await api('GET', '/clusters/..%2F..%2Fetc')).status).toBe(400);

    const events = await api('GET', '/clusters/e2e-main/events', { key: 'reader' });
    expect(events.json.items.map((e: { type: string; version: number }) => [e.version, e.type])).toEqual([
      [4, 'RedisClusterManager.Namespace.Removed'],
      [3, 'RedisClusterManager.Namespace.PolicyChanged'],
      [2, 'RedisClusterManager.Cluster.Updated'],
      [1, 'RedisClusterManager.Cluster.Registered'],
    ]);
    for (const e of events.json.items) {
      expect(e.principal.id).toBe(e.type.includes('Namespace') ? 'otto' : 'ada');
      expect(Date.now() - Date.parse(e.time)).toBeLessThan(120_000);
    }
  });

  it('serves openapi.json listing every route and method the host loaded, and nothing else', async () => {
    const doc = await api('GET', '/openapi.json');
    expect(doc.json.openapi).toBe('3.0.3');
    const loaded = host.functions
      .filter((f) => f.trigger === 'http')
      .flatMap((f) => (f.methods ?? []).map((m) => `${m.toUpperCase()} ${(f.route ?? '').replace(/^\/?api/, '')}`));
    const documented = Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(loaded.length).toBeGreaterThan(25);
    expect(documented.sort()).toEqual(loaded.sort());
  });

  it('publishes every change once the topic is back, through the outbox relay timer', async () => {
    const before = topic.received.length;
    expect(before).toBe(0);
    await topic.start();
    const run = await fetch(`${host.url}/admin/functions/outboxRelay`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
    expect(run.status).toBe(202);
    // 4 events of e2e-main + Registered and Removed of e2e-other.
    const deadline = Date.now() + 20_000;
    while (topic.received.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(topic.received).toHaveLength(6);
    expect(new Set(topic.received.map((e) => e['id'])).size).toBe(6);
    // A change made now is published at once, without the relay.
    await api('PUT', '/clusters/e2e-main/namespaces/carts', { body: samplePolicy, key: 'operator' });
    expect(topic.received.at(-1)).toMatchObject({ type: 'RedisClusterManager.Namespace.PolicyChanged', subject: 'clusters/e2e-main/namespaces/carts', principal: 'otto' });
  });
});
