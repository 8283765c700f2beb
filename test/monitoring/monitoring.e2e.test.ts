import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, testSettings } from '../controlplane/api';
import { connectCluster, keyPrefix, useOwnRedis } from '../helpers/redis';

/**
 * Through the local Functions host: the `monitor` timer run by the admin API, the metrics/alerts routes, Alert.Raised
 * delivered by the host's Event Grid topic to a subscribed function, and the dashboard in headless Chromium.
 */
const root = join(__dirname, '..', '..');
const own = useOwnRedis({ args: ['--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'] });
const sink: { type: string; data: Record<string, unknown> }[] = ((globalThis as { __rcmAlertSink?: typeof sink }).__rcmAlertSink ??= []);
let host: RunningHost;

async function api(method: string, path: string, body?: unknown, key: keyof typeof apiKeys = 'admin') {
  const headers: Record<string, string> = { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys[key] };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${host.url}/api${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** Runs the timer now and waits until its history row for `cluster` is there. */
async function tick(cluster = 'cache'): Promise<void> {
  const before = (await api('GET', `/clusters/${cluster}/metrics?from=0`)).json.samples as number;
  const run = await fetch(`${host.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
  expect(run.status).toBe(202);
  for (let i = 0; i < 100; i++) {
    if (((await api('GET', `/clusters/${cluster}/metrics?from=0`)).json.samples as number) > before) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('monitor tick did not complete');
}

beforeAll(async () => {
  const settings = testSettings();
  host = await startHost({
    appDir: root,
    entryFiles: ['functions/*.ts', 'test/monitoring/fixtures/alertSink.ts'],
    settings: { ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])), MONITOR_NODE_TIMEOUT_MS: '1500' },
    subscriptionsFile: join(__dirname, 'fixtures', 'alertSubscriptions.json'),
    log: () => {},
  });
  // As `npm start` does: the topic is known once the host listens; the app reads it on first use.
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  const shared = inject('redisCluster');
  expect((await api('PUT', '/clusters/cache', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: own.server.port }], secretRef: { kind: 'none' } })).status).toBe(201);
  expect((await api('PUT', '/clusters/shared-cluster', { mode: 'cluster', displayName: 'shared 6-node cluster', endpoints: shared.seeds, secretRef: { kind: 'none' } })).status).toBe(201);
});

afterAll(async () => {
  await host?.stop();
});

describe('monitoring through the local host', () => {
  it('filling a node past the memory threshold raises the memory alert; Alert.Raised reaches the Event Grid subscriber', async () => {
    const rules = await api('PUT', '/clusters/cache/alert-rules', { rules: { memory_high: { raiseAt: 0.5, forSeconds: 0 } } }, 'operator');
    expect(rules.status).toBe(200);
    expect(rules.json.rules.find((r: { id: string }) => r.id === 'memory_high')).toMatchObject({ raiseAt: 0.5, forSeconds: 0 });
    expect(rules.json.history[0]).toMatchObject({ version: 1, by: 'otto' });
    const put = (body: unknown, headers: Record<string, string>) =>
      fetch(`${host.url}/api/clusters/cache/alert-rules`, { method: 'PUT', headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys.admin, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await put({ rules: { memory_high: { raiseAt: 0.2 } } }, { 'if-match': '"0"' })).status).toBe(412);
    const inverted = await put({ rules: { hit_ratio_low: { raiseAt: 0.9, clearAt: 0.5 } } }, {});
    expect([inverted.status, ((await inverted.json()) as { errors: { field: string }[] }).errors[0]?.field]).toEqual([400, 'body.rules.hit_ratio_low.clearAt']);
    expect((await put({ rules: { no_such_rule: {} } }, {})).status).toBe(400);
    expect((await api('PUT', '/clusters/cache/alert-rules', { rules: {} }, 'reader')).status).toBe(403);
    await tick();
    expect((await api('GET', '/clusters/cache/alerts')).json.alerts.filter((a: { rule: string }) => a.rule === 'memory_high')).toEqual([]);

    const redis = new Redis(own.server.url);
    try {
      const value = 'x'.repeat(50_000);
      for (let i = 0; i < 100; i++) await redis.set(`fill:${i}`, value); // ~5 MB of an 8 MB maxmemory
    } finally {
      redis.disconnect();
    }
    await tick();
    const alerts = (await api('GET', '/clusters/cache/alerts', undefined, 'reader')).json;
    const memory = alerts.alerts.find((a: { rule: string }) => a.rule === 'memory_high');
    expect(memory).toMatchObject({ status: 'firing', metric: 'used_memory_ratio', node: `127.0.0.1:${own.server.port}`, threshold: 0.5 });
    expect(memory.value).toBeGreaterThan(0.5);
    await host.deliveriesIdle();
    const raised = sink.filter((e) => e.type === 'RedisClusterManager.Alert.Raised' && e.data['rule'] === 'memory_high');
    expect(raised).toHaveLength(1);
    expect(raised[0]?.data).toMatchObject({ clusterId: 'cache', metric: 'used_memory_ratio', severity: 'warning', alertId: memory.alertId });
    expect(host.deadLetters()).toEqual([]);

    await tick(); // still full: no second event
    await host.deliveriesIdle();
    expect(sink.filter((e) => e.type === 'RedisClusterManager.Alert.Raised' && e.data['rule'] === 'memory_high')).toHaveLength(1);
    // The audit log has it too (recorded in the cluster's stream, published through the outbox).
    const audit = (await api('GET', '/clusters/cache/events')).json.items.map((e: { type: string }) => e.type);
    expect(audit).toContain('RedisClusterManager.Alert.Raised');
  });

  it('the metrics API returns chart-ready series; the dashboard shows real charts in headless Chromium', async () => {
    const client = connectCluster();
    const prefix = keyPrefix();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 60; i++) await client.set(`${prefix}${i}`, String(i));
      for (let i = 0; i < 120; i++) await client.get(`${prefix}${i % 90}`); // 60 hits of every 90 lookups → 2/3 per node mix
      await tick('shared-cluster');
    }
    const metrics = (await api('GET', '/clusters/shared-cluster/metrics?metrics=ops_per_sec,hit_ratio,used_memory_bytes', undefined, 'reader')).json;
    expect(metrics.nodes).toHaveLength(6);
    const ops = metrics.series.filter((s: { metric: string }) => s.metric === 'ops_per_sec');
    expect(ops).toHaveLength(6);
    expect(ops.every((s: { points: [number, number | null][] }) => s.points.length >= 5 && s.points.some(([, v]) => v !== null && v > 0))).toBe(true);
    const oneNode = (await api('GET', `/clusters/shared-cluster/metrics?node=${encodeURIComponent(metrics.nodes[0].node)}`)).json;
    expect(new Set(oneNode.series.map((s: { node: string }) => s.node))).toEqual(new Set([metrics.nodes[0].node]));
    expect((await api('GET', '/clusters/shared-cluster/metrics?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z')).status).toBe(400);
    expect((await api('GET', '/clusters/nope/metrics')).status).toBe(404);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
      // The console (test/monitoring/console.e2e.test.ts covers it view by view): the fleet shows both clusters
      // and the firing memory alert; the cluster's overview draws a chart per metric with a line per node.
      await page.goto(`${host.url}/api/dashboard?code=${host.keys.functionKey}#/`);
      await page.fill('#apikey', apiKeys.reader);
      await page.click('#signin button[type=submit]');
      await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
      expect(errors.slice(0, 3)).toEqual([]);
      expect(await page.locator('.fleet-table tbody tr').count()).toBe(2);
      expect(Number(await page.locator('tr[data-cluster="cache"] td').nth(5).textContent())).toBeGreaterThanOrEqual(1);
      expect(await page.locator('tr[data-cluster="shared-cluster"] td').nth(1).textContent()).toBe('6/6');
      await page.click('tr[data-cluster="shared-cluster"] th a');
      await page.waitForSelector('figure.chart[data-metric="ops_per_sec"] .uplot', { timeout: 15_000 });
      expect(await page.locator('figure.chart').count()).toBe(6);
      expect(await page.locator('figure.chart[data-metric="ops_per_sec"] .u-legend .u-series').count()).toBe(7); // time + 6 nodes
      expect(await page.locator('#status').textContent()).toMatch(/^live · updated/);
      mkdirSync(join(root, 'test', 'artifacts', 'console'), { recursive: true });
      await page.screenshot({ path: join(root, 'test', 'artifacts', 'console', 'overview-cluster-1440.png'), fullPage: true });
      // Topology of the 6-node cluster: a 16384-slot bar per master, all slots assigned, each master's replica listed.
      await page.click('nav.tabs a[data-section="topology"]');
      await page.waitForSelector('.slotbar');
      expect(await page.locator('article.shard .slotbar').count()).toBe(3);
      expect(await page.locator('.topology .summary').textContent()).toContain('16384 of 16384 slots assigned');
      expect(await page.locator('article.shard ul.replicas li').count()).toBe(3);
      await page.screenshot({ path: join(root, 'test', 'artifacts', 'console', 'topology-cluster-1440.png'), fullPage: true });
      // Slot operations: a reader sees Reshard disabled with the reason; an operator gets the dry-run plan first and
      // cancels there (this shared cluster is not changed by this test).
      expect(await page.locator('button[data-action="reshard"]').getAttribute('title')).toBe('needs the operator role (you are reader)');
      await page.click('#signout');
      await page.fill('#apikey', apiKeys.operator);
      await page.click('#signin button[type=submit]');
      await page.waitForSelector('button[data-action="reshard"]:not([disabled])');
      await page.click('button[data-action="reshard"]');
      await page.fill('#reshard-slots', '100');
      await page.click('dialog button.primary');
      const plan = page.locator('dialog p.plan');
      await plan.waitFor({ timeout: 20_000 });
      expect(await plan.getAttribute('data-slots')).toBe('100');
      expect(await page.locator('dialog h2').textContent()).toBe('Reshard shared-cluster?');
      expect(await page.locator('dialog button.danger').isDisabled()).toBe(true); // until the cluster id is typed
      await page.screenshot({ path: join(root, 'test', 'artifacts', 'console', 'reshard-plan-1440.png') });
      await page.click('dialog button[value="cancel"]');
      await page.waitForSelector('dialog', { state: 'detached' });
      mkdirSync(join(root, 'test', 'artifacts'), { recursive: true });
      await page.screenshot({ path: join(root, 'test', 'artifacts', 'dashboard.png'), fullPage: true });
      // The page without the function key is refused by the host; the assets are public.
      expect((await fetch(`${host.url}/api/dashboard`)).status).toBe(401);
      expect((await fetch(`${host.url}/api/dashboard/assets/console.js`)).headers.get('content-type')).toMatch(/javascript/);
    } finally {
      await browser.close();
    }
  }, 90_000); // five monitor ticks, then the browser through fleet, overview, topology and a reshard plan, on a shared 2-core machine
});
