import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { verifyWebhookSignature } from '../../shared/monitoring/notifications/webhookSignature';
import { apiKeys, testSettings } from '../controlplane/api';
import { closeClient, useOwnRedis } from '../helpers/redis';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver';

/**
 * Done-when of notifications, through the real local host: the `monitor` timer raises and resolves a memory alert on
 * a real redis-server, the events go through the store, the outbox and the host's Event Grid topic to the `notify`
 * function (subscribed by infra/eventgrid-subscriptions.json), which posts to a local receiver. One receiver takes
 * everything, one fails twice first; each gets exactly one raise and one resolve, signatures verified.
 */
const root = join(__dirname, '..', '..');
const own = useOwnRedis({ args: ['--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'] });
const secret = 'e2e-signing-secret-0123456789';
let host: RunningHost;
let receiver: WebhookReceiver;

async function api(method: string, path: string, body?: unknown, key: keyof typeof apiKeys = 'admin') {
  const headers: Record<string, string> = { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys[key] };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${host.url}/api${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function tick(): Promise<void> {
  const before = (await api('GET', '/clusters/cache/metrics?from=0')).json.samples as number;
  const run = await fetch(`${host.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
  expect(run.status).toBe(202);
  for (let i = 0; i < 200; i++) {
    if (((await api('GET', '/clusters/cache/metrics?from=0')).json.samples as number) > before) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('monitor tick did not complete');
}

async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const settings = testSettings();
  host = await startHost({
    appDir: root,
    entryFiles: ['functions/*.ts'],
    settings: {
      ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
      MONITOR_NODE_TIMEOUT_MS: '1500',
      NOTIFY_ALLOWED_HOSTS: '127.0.0.1',
      NOTIFY_RETRY_BASE_MS: '50',
      RCM_E2E_HOOK_URL: `${receiver.url}/steady`,
      RCM_E2E_FLAKY_URL: `${receiver.url}/flaky`,
      RCM_E2E_HOOK_SECRET: secret,
    },
    log: () => {},
  });
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  expect((await api('PUT', '/clusters/cache', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: own.server.port }], secretRef: { kind: 'none' } })).status).toBe(201);
  expect((await api('PUT', '/clusters/cache/alert-rules', { rules: { memory_high: { raiseAt: 0.5, forSeconds: 0 } } }, 'operator')).status).toBe(200);
  for (const [name, env] of [['steady', 'RCM_E2E_HOOK_URL'], ['flaky', 'RCM_E2E_FLAKY_URL']] as const) {
    const put = await api('PUT', `/notification-channels/${name}`, { kind: 'webhook', url: { kind: 'env', name: env }, signingSecret: { kind: 'env', name: 'RCM_E2E_HOOK_SECRET' }, routes: [{ clusters: ['cache'], minSeverity: 'warning', families: ['alert'] }], allowPrivateNetworks: true });
    expect(put.status).toBe(201);
  }
});

afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

describe('notifications through the local host and its Event Grid delivery', () => {
  it('one raise and one resolve per incident and channel, signed; a receiver failing twice gets each once', async () => {
    receiver.failNext('/flaky', 500, 502);
    const redis = new Redis({ port: own.server.port });
    try {
      const value = 'v'.repeat(50_000);
      for (let i = 0; i < 100; i++) await redis.set(`fill:${i}`, value); // ~5 MB of an 8 MB maxmemory
      await tick();
      await until('the raise on both channels', () => receiver.accepted('/steady').length >= 1 && receiver.accepted('/flaky').length >= 1);
      // Further ticks while it keeps firing send nothing more.
      await tick();
      for (let i = 0; i < 100; i++) await redis.unlink(`fill:${i}`);
      await tick();
      await until('the resolve on both channels', () => receiver.accepted('/steady').length >= 2 && receiver.accepted('/flaky').length >= 2);
      await tick();
      await host.deliveriesIdle();
    } finally {
      await closeClient(redis);
    }
    for (const path of ['/steady', '/flaky']) {
      const accepted = receiver.accepted(path);
      const messages = accepted.map((r) => JSON.parse(r.body) as { id: string; phase: string; clusterId: string; facts: Record<string, string> });
      expect(messages.map((m) => m.phase), path).toEqual(['raised', 'resolved']);
      const alertId = messages[0]?.facts['alert id'];
      expect(messages.map((m) => m.id)).toEqual([`alert-${alertId}-raised`, `alert-${alertId}-resolved`]);
      for (const r of accepted) expect(verifyWebhookSignature(r.body, { signature: r.headers['x-rcm-signature'] as string, timestamp: r.headers['x-rcm-timestamp'] as string }, secret), path).toEqual({ ok: true });
    }
    expect(receiver.received.filter((r) => r.path === '/flaky').map((r) => r.answered)).toEqual([500, 502, 200, 200]);
    const alerts = (await api('GET', '/clusters/cache/events?limit=100')).json.items.filter((e: { type: string }) => e.type.startsWith('RedisClusterManager.Alert.'));
    // The rule override this test made is an admin change in the same log (Alert.RulesChanged), before the incident.
    expect(alerts.map((e: { type: string }) => e.type).sort()).toEqual(['RedisClusterManager.Alert.Raised', 'RedisClusterManager.Alert.Resolved', 'RedisClusterManager.Alert.RulesChanged']);
  });
});
