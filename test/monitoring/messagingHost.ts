import { join } from 'node:path';
import { expect } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, testSettings } from '../controlplane/api';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
export type Json = any;

const root = join(__dirname, '..', '..');

/** What the alert sink fixture received (same process as the local host). */
export const alertSink: { type: string; data: Record<string, unknown> }[] = ((globalThis as { __rcmAlertSink?: typeof alertSink }).__rcmAlertSink ??= []);

/** Alert.Raised / Alert.Resolved events of one rule the sink received. */
export const alertsOf = (type: 'Raised' | 'Resolved', rule: string) => alertSink.filter((e) => e.type === `RedisClusterManager.Alert.${type}` && e.data['rule'] === rule);

/** Polls `probe` until it gives a value (100 ms apart). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The local host with the real functions, the alert sink, and the subscriptions messaging needs (alert sink, the
 * persistent-marking subscriber, the job runner); the host's log is kept for a failing test to print.
 */
export async function startMessagingHost(): Promise<{ host: RunningHost; log: string[] }> {
  const log: string[] = [];
  const settings = testSettings();
  const host = await startHost({
    appDir: root,
    entryFiles: ['functions/*.ts', 'test/monitoring/fixtures/alertSink.ts'],
    settings: { ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])), MONITOR_NODE_TIMEOUT_MS: '3000' },
    subscriptionsFile: join(__dirname, 'fixtures', 'messagingSubscriptions.json'),
    log: (line: string) => log.push(line),
  });
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  return { host, log };
}

/** Admin API calls, the monitor timer and stream-action jobs of one cluster on a running host. */
export function messagingApi(host: () => RunningHost, clusterId: string) {
  async function api(method: string, path: string, body?: unknown, key: keyof typeof apiKeys = 'admin'): Promise<{ status: number; headers: Headers; json: Json }> {
    const headers: Record<string, string> = { 'x-functions-key': host().keys.functionKey, 'x-api-key': apiKeys[key] };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${host().url}/api${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  }

  /** Runs the monitor timer now and waits for its history row, then for every event delivery it caused. */
  async function tick(): Promise<void> {
    const before = (await api('GET', `/clusters/${clusterId}/metrics?from=0`)).json.samples as number;
    const run = await fetch(`${host().url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host().keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
    expect(run.status).toBe(202);
    await until('the monitor tick', async () => (((await api('GET', `/clusters/${clusterId}/metrics?from=0`)).json.samples as number) > before ? true : undefined));
    await host().deliveriesIdle();
  }

  /** Starts a job through `path` (202 + Location) and waits for it to end. */
  async function job(path: string, body: Record<string, unknown>, key: keyof typeof apiKeys = 'operator'): Promise<Json> {
    const started = await api('POST', path, body, key);
    expect(started.status).toBe(202);
    const location = String(started.headers.get('location')).replace(/^\/api/, '');
    return until('the job', async () => {
      const j = (await api('GET', location)).json;
      return ['succeeded', 'failed'].includes(j.status) ? j : undefined;
    });
  }

  return { api, tick, job, streamAction: (body: Record<string, unknown>) => job(`/clusters/${clusterId}/stream-actions`, body) };
}
