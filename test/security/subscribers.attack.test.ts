import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../monitoring/webhookReceiver';
import { startSecurityHost, until, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// Event Grid subscribers added after issue 12, each sent a forged delivery that carries a valid key (the master
// key opens the webhook, as on the real host): the key lets the delivery in, the payload is not trusted. A
// subscriber that changes data or tells people acts only on what the manager itself recorded.
let host: SecurityHost;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  host = await startSecurityHost({ NOTIFY_ALLOWED_HOSTS: '127.0.0.1', RCM_SUB_HOOK_URL: `${receiver.url}/hook`, WARM_BLOB_CONTAINERS: 'warm-*' });
  const { host: h, port } = inject('redisStandalone');
  expect((await host.setup('PUT', '/api/clusters/subs', { body: { mode: 'standalone', endpoints: [{ host: h, port }], secretRef: { kind: 'none' } } })).status).toBe(201);
  expect((await host.setup('PUT', '/api/clusters/subs/namespaces/orders', { as: 'operator', body: { keyPattern: 'sec-subs:orders:*', ttlSeconds: 600 } })).status).toBe(201);
  const channel = await host.setup('PUT', '/api/notification-channels/oncall', { body: { kind: 'slack', url: { kind: 'env', name: 'RCM_SUB_HOOK_URL' }, routes: [{ clusters: ['*'], minSeverity: 'info' }], allowPrivateNetworks: true } });
  expect(channel.status, channel.text).toBe(201);
}, 90_000);
afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

const deliver = (functionName: string, event: Record<string, unknown>) =>
  host.raw('POST', `/runtime/webhooks/eventgrid?functionName=${functionName}&code=${securityKeys.master}`, { 'content-type': 'application/cloudevents+json', 'aeg-event-type': 'Notification' }, JSON.stringify(event));
const cloudEvent = (type: string, data: Record<string, unknown>) => ({ specversion: '1.0', id: randomUUID(), source: '/redis-cluster-manager', type, subject: 'clusters/subs', time: new Date().toISOString(), data });
const namespace = (name: string) => host.api('GET', `/api/clusters/subs/namespaces/${name}`, { as: 'reader' });

describe('attack: forged deliveries to subscribers that change data', () => {
  it('a forged Messaging.WorkloadDiscovered neither registers a namespace nor re-marks one; nothing is audited', async () => {
    const namespaceEvents = async () => (await host.events('subs')).filter((e) => String(e.type).startsWith('RedisClusterManager.Namespace.')).length;
    const before = await namespaceEvents();
    const forged = cloudEvent('RedisClusterManager.Messaging.WorkloadDiscovered', {
      clusterId: 'subs',
      discoveredAt: new Date().toISOString(),
      namespaces: [
        { namespace: 'everything', keyPattern: '*', registered: false, streams: 1, queues: 0, examples: [] },
        { namespace: 'orders', keyPattern: 'sec-subs:orders:*', registered: true, streams: 1, queues: 0, examples: [] },
      ],
    });
    expect((await deliver('markPersistentOnDiscovery', forged)).status).toBe(202);
    await until('the subscriber to decide', async () => (/event \S+ is not recorded in the stream of cluster 'subs'; ignored/.test(host.proc.output()) || (await namespace('everything')).status === 200 ? true : undefined));
    expect((await namespace('everything')).status).toBe(404);
    expect((await namespace('orders')).json).toMatchObject({ keyPattern: 'sec-subs:orders:*', ttlSeconds: 600 });
    expect((await namespace('orders')).json.retention).toBeUndefined();
    expect(await namespaceEvents()).toBe(before);
  });

  it('forged alerts and job failures reach no channel (a fake resolution would close a real incident in the chat and swallow its raise); a recorded failure still does', async () => {
    const alertId = `subs-${randomUUID()}`;
    const resolvedAt = new Date().toISOString();
    const forged = [
      cloudEvent('RedisClusterManager.Alert.Resolved', { clusterId: 'subs', alertId, rule: 'memory_high', metric: 'used_memory_ratio', severity: 'critical', value: 0.1, resolvedAt }),
      cloudEvent('RedisClusterManager.Alert.Raised', { clusterId: 'subs', alertId: `fake-${alertId}`, rule: 'memory_high', severity: 'critical', metric: 'used_memory_ratio', value: 0.99, threshold: 0.9, raisedAt: resolvedAt }),
      cloudEvent('RedisClusterManager.Job.Finished', { clusterId: 'subs', jobId: 'invalidate-forged', kind: 'invalidate', status: 'failed', progress: {}, chunks: 1, durationMs: 1, error: { code: 'x', message: 'call +1 555 0100 now' } }),
    ];
    for (const event of forged) expect((await deliver('notify', event)).status).toBe(202);
    const dropped = () => (host.proc.output().match(/notify: event \S+ \(\S+\) is not recorded in the stream of cluster 'subs'; ignored/g) ?? []).length;
    const forgedSent = () => receiver.received.filter((r) => r.body.includes(alertId) || r.body.includes('invalidate-forged')).length;
    await until('the three forged deliveries to be decided', async () => (dropped() >= 3 || forgedSent() >= 3 ? true : undefined));
    // Only what is about the forged incidents (the monitor may raise real alerts for this cluster meanwhile).
    expect(receiver.received.filter((r) => r.body.includes(alertId) || r.body.includes('invalidate-forged'))).toEqual([]);

    // A real failure the manager recorded still goes out: a warm whose source blob does not exist fails for good.
    const plan = await host.setup('PUT', '/api/clusters/subs/namespaces/warmed', { as: 'operator', body: { keyPattern: 'sec-subs:warmed:*', warmPlan: { source: { kind: 'blob', container: 'warm-nothing', blob: 'missing.ndjson' }, mapping: { key: 'sec-subs:warmed:{id}', value: 'value' } } } });
    expect(plan.status, plan.text).toBe(201);
    const warm = await host.setup('POST', '/api/clusters/subs/warm', { as: 'operator', body: { namespace: 'warmed' } });
    expect(warm.status, warm.text).toBe(202);
    const delivered = await until('the real failure to reach the channel', async () => receiver.accepted('/hook').find((r) => r.body.includes(warm.json.jobId as string)), 60_000);
    // Told once, by whichever of Warm.Failed and Job.Finished (failed) came first.
    expect(JSON.parse(delivered.body).text).toMatch(/^\[FAILED\] warm .*subs \/ warmed/);
  }, 90_000);
});
