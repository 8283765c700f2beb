import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../shared/platform/auth/Principal';
import { openControlPlane, type ControlPlane } from '../../shared/platform/controlPlane';
import type { DomainEvent } from '../../shared/platform/events/catalogue';
import { toCloudEvent } from '../../shared/platform/events/toCloudEvent';
import type { StoredEvent } from '../../shared/platform/store/StoredEvent';
import { notificationsStreamId } from '../../shared/platform/store/streamId';
import { channelListRoutesFor, channelRoutesFor, deadLetterRoutesFor } from '../../shared/monitoring/notifications/channelRoutes';
import { notifiableEvents } from '../../shared/monitoring/notifications/notices';
import { notifyOnEvent } from '../../shared/monitoring/notifications/notifyOnEvent';
import { openNotifications, type Notifications } from '../../shared/monitoring/notifications/openNotifications';
import { verifyWebhookSignature } from '../../shared/monitoring/notifications/webhookSignature';
import { callRoutes, testSettings } from '../controlplane/api';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver';

// The notify subscriber against real Azurite tables and a real HTTP receiver on loopback (the channels opt in to
// private networks, and NOTIFY_ALLOWED_HOSTS names 127.0.0.1, as an operator would for an in-VNet receiver).
let receiver: WebhookReceiver;
let cp: ControlPlane;
let n: Notifications;
const secret = 'whsec-0123456789abcdef';
const env: NodeJS.ProcessEnv = {};
const quiet = { log: () => undefined, warn: () => undefined };
const logged: string[] = [];
const recording = { log: (...a: unknown[]) => logged.push(a.join(' ')), warn: (...a: unknown[]) => logged.push(a.join(' ')) };

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  Object.assign(env, {
    RCM_HOOK_URL: `${receiver.url}/hook?token=sekrit-token-in-query`,
    RCM_HOOK_SECRET: secret,
    RCM_TEAMS_URL: `${receiver.url}/teams`,
    RCM_SLACK_URL: `${receiver.url}/slack`,
    RCM_FLAKY_URL: `${receiver.url}/flaky`,
    RCM_DOWN_URL: `${receiver.url}/down`,
    RCM_CRIT_URL: `${receiver.url}/crit`,
    NOTIFY_ALLOWED_HOSTS: '127.0.0.1',
    NOTIFY_RETRY_BASE_MS: '20',
    NOTIFY_TIMEOUT_MS: '2000',
  });
  const settings = testSettings();
  cp = await openControlPlane(settings, { publisher: null, log: { warn: () => {}, error: () => {} } });
  n = await openNotifications(settings, cp, env);
});

afterAll(async () => {
  await receiver?.close();
});

const open = async () => n;
const channel = (name: string, body: unknown, as: 'admin' | 'reader' | 'operator' = 'admin') => callRoutes(cp, channelRoutesFor(open), { method: 'PUT', path: `/notification-channels/${name}`, params: { name }, body, as });
const local = { allowPrivateNetworks: true };

/** A delivery as anyone holding the webhook key could send it: nothing recorded behind it. */
function envelope(type: string, data: Record<string, unknown>, id: string = randomUUID()) {
  return { specversion: '1.0', id, source: '/redis-cluster-manager', type, subject: `clusters/${String(data['clusterId'])}`, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}
/** An event as the manager records and publishes it: appended to its cluster's stream, delivered as its CloudEvent. */
async function cloudEvent(type: string, data: Record<string, unknown>) {
  const [stored] = await cp.streams.record(String(data['clusterId']), { principal: systemPrincipal, correlationId: 'notify-test' }, [{ type, data } as DomainEvent]);
  const { extensionAttributes, time, ...ce } = toCloudEvent(stored as StoredEvent);
  return { specversion: '1.0', ...ce, time: (time as Date).toISOString(), ...extensionAttributes } as ReturnType<typeof envelope> & { streamversion: number };
}
const raised = (alertId: string, clusterId = 'shop', severity = 'warning') =>
  cloudEvent('RedisClusterManager.Alert.Raised', { clusterId, alertId, rule: 'memory_high', severity, metric: 'used_memory_ratio', node: '10.0.0.5:6379', value: 0.93, threshold: 0.9, raisedAt: new Date().toISOString() });
const resolved = (alertId: string, clusterId = 'shop', severity = 'warning') =>
  cloudEvent('RedisClusterManager.Alert.Resolved', { clusterId, alertId, rule: 'memory_high', severity, metric: 'used_memory_ratio', node: '10.0.0.5:6379', value: 0.41, resolvedAt: new Date().toISOString() });
const bodies = (path: string) => receiver.accepted(path).map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('notification channels through the admin API', () => {
  it('stores references only, audits every change in the notifications stream, and refuses what it cannot use', async () => {
    const created = await channel('ops-hook', { kind: 'webhook', url: { kind: 'env', name: 'RCM_HOOK_URL' }, signingSecret: { kind: 'env', name: 'RCM_HOOK_SECRET' }, routes: [{ clusters: ['shop', 'prod-*'], minSeverity: 'warning' }], ...local });
    expect(created.status).toBe(201);
    expect(created.headers['etag']).toBe(`"${created.json.version}"`);
    const text = JSON.stringify(created.json);
    expect(text).not.toContain('sekrit-token');
    expect(text).not.toContain(secret);
    expect(created.json).toMatchObject({ name: 'ops-hook', kind: 'webhook', url: { kind: 'env', name: 'RCM_HOOK_URL' }, enabled: true, createdBy: 'ada' });

    expect((await channel('nope', { kind: 'slack', url: { kind: 'env', name: 'RCM_SLACK_URL' }, ...local }, 'operator')).status).toBe(403);
    const unresolved = await channel('nope', { kind: 'slack', url: { kind: 'env', name: 'RCM_NOT_SET' }, ...local });
    expect(unresolved.status).toBe(400);
    expect(unresolved.json).toMatchObject({ code: 'channel_secret_unresolved', errors: [{ field: 'body.url' }] });
    const own = await channel('nope', { kind: 'slack', url: { kind: 'env', name: 'EVENTGRID_TOPIC_KEY' }, ...local });
    expect(own.status).toBe(400);
    expect(own.json).toMatchObject({ code: 'secret_ref_not_allowed', errors: [{ field: 'body.url.name' }] });
    // Without allowPrivateNetworks loopback is refused; the refusal names the host, never the token in the URL.
    const privateRefused = await channel('nope', { kind: 'webhook', url: { kind: 'env', name: 'RCM_HOOK_URL' }, signingSecret: { kind: 'env', name: 'RCM_HOOK_SECRET' } });
    expect(privateRefused.status).toBe(400);
    expect(privateRefused.json).toMatchObject({ code: 'channel_url_refused', errors: [{ field: 'body.url' }] });
    expect(JSON.stringify(privateRefused.json)).not.toContain('sekrit-token');
    const badKind = await channel('nope', { kind: 'pager', url: { kind: 'env', name: 'RCM_SLACK_URL' } });
    expect(badKind.status).toBe(400);
    expect(badKind.json.errors[0].field).toBe('body.kind');

    const stale = await callRoutes(cp, channelRoutesFor(open), { method: 'PUT', path: '/notification-channels/ops-hook', params: { name: 'ops-hook' }, headers: { 'if-match': '"999"' }, body: { kind: 'slack', url: { kind: 'env', name: 'RCM_SLACK_URL' }, ...local } });
    expect(stale.status).toBe(412);

    const events = await cp.store.read(notificationsStreamId);
    expect(events.map((e) => [e.type, e.principal.id])).toEqual([['RedisClusterManager.Notification.ChannelChanged', 'ada']]);
    const list = await callRoutes(cp, channelListRoutesFor(open), { method: 'GET', path: '/notification-channels', as: 'reader' });
    expect(list.json.items.map((c: { name: string }) => c.name)).toEqual(['ops-hook']);
  });

  it('DELETE removes a channel (audited); nothing is sent to it afterwards', async () => {
    expect((await channel('gone', { kind: 'slack', url: { kind: 'env', name: 'RCM_SLACK_URL' }, ...local })).status).toBe(201);
    const removed = await callRoutes(cp, channelRoutesFor(open), { method: 'DELETE', path: '/notification-channels/gone', params: { name: 'gone' } });
    expect(removed.status).toBe(204);
    expect((await callRoutes(cp, channelRoutesFor(open), { method: 'GET', path: '/notification-channels/gone', params: { name: 'gone' }, as: 'reader' })).json.code).toBe('channel_not_found');
    expect((await cp.store.read(notificationsStreamId)).at(-1)?.type).toBe('RedisClusterManager.Notification.ChannelRemoved');
  });
});

describe('the notify subscriber', () => {
  it('sends one signed message per incident when it fires and one when it resolves, whatever is redelivered', async () => {
    const raise = await raised('inc-1');
    await notifyOnEvent(raise, recording, open);
    await notifyOnEvent(raise, quiet, open); // Event Grid redelivers the same event
    await notifyOnEvent(await raised('inc-1'), quiet, open); // the incident recorded twice (new event id, same alertId)
    const [first] = receiver.accepted('/hook?token=sekrit-token-in-query');
    expect(receiver.accepted('/hook?token=sekrit-token-in-query')).toHaveLength(1);
    expect(first?.headers['x-rcm-delivery']).toBe('alert-inc-1-raised');
    const check = verifyWebhookSignature(first?.body ?? '', { signature: first?.headers['x-rcm-signature'] as string, timestamp: first?.headers['x-rcm-timestamp'] as string }, secret);
    expect(check).toEqual({ ok: true });
    // A tampered body or a wrong key fails the same check.
    expect(verifyWebhookSignature(`${first?.body ?? ''} `, { signature: first?.headers['x-rcm-signature'] as string, timestamp: first?.headers['x-rcm-timestamp'] as string }, secret).ok).toBe(false);
    expect(verifyWebhookSignature(first?.body ?? '', { signature: first?.headers['x-rcm-signature'] as string, timestamp: first?.headers['x-rcm-timestamp'] as string }, 'other-key').ok).toBe(false);
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({ schemaVersion: 1, id: 'alert-inc-1-raised', family: 'alert', phase: 'raised', severity: 'warning', clusterId: 'shop', facts: { node: '10.0.0.5:6379', rule: 'memory_high' }, event: { id: raise.id, type: 'RedisClusterManager.Alert.Raised' } });
    expect(logged.join('\n')).toContain('ops-hook=delivered');

    const resolve = await resolved('inc-1');
    await notifyOnEvent(resolve, quiet, open);
    await notifyOnEvent(resolve, quiet, open);
    expect(bodies('/hook?token=sekrit-token-in-query').map((b) => b['id'])).toEqual(['alert-inc-1-raised', 'alert-inc-1-resolved']);
  });

  it('a late raise after its resolution is not sent (delivery is unordered)', async () => {
    await notifyOnEvent(await resolved('inc-late'), quiet, open);
    await notifyOnEvent(await raised('inc-late'), quiet, open);
    expect(bodies('/hook?token=sekrit-token-in-query').filter((b) => String(b['id']).startsWith('alert-inc-late')).map((b) => b['id'])).toEqual(['alert-inc-late-resolved']);
  });

  it('renders an Adaptive Card for Teams and Block Kit for Slack', async () => {
    expect((await channel('teams', { kind: 'teams', url: { kind: 'env', name: 'RCM_TEAMS_URL' }, routes: [{ clusters: ['*'], minSeverity: 'info', families: ['alert'] }], ...local })).status).toBe(201);
    expect((await channel('slack', { kind: 'slack', url: { kind: 'env', name: 'RCM_SLACK_URL' }, routes: [{ clusters: ['cart'] }], ...local })).status).toBe(201);
    await notifyOnEvent(await raised('inc-2', 'cart', 'critical'), quiet, open);
    const [card] = bodies('/teams') as { type: string; attachments: { contentType: string; contentUrl: null; content: { type: string; version: string; body: { type: string; text?: string; color?: string; facts?: { title: string; value: string }[] }[] } }[] }[];
    expect(card?.type).toBe('message');
    expect(card?.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: { type: 'AdaptiveCard', version: '1.4' } });
    const cardBody = card?.attachments[0]?.content.body ?? [];
    expect(cardBody[0]).toMatchObject({ type: 'TextBlock', text: '[CRITICAL] memory_high on cart / 10.0.0.5:6379', color: 'Attention' });
    expect(cardBody.find((b) => b.type === 'FactSet')?.facts).toContainEqual({ title: 'alert id', value: 'inc-2' });
    const [slack] = bodies('/slack') as { text: string; blocks: { type: string; fields?: { text: string }[] }[] }[];
    expect(slack?.text).toContain('[CRITICAL] memory_high on cart');
    expect(slack?.blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(slack?.blocks[1]?.fields).toContainEqual({ type: 'mrkdwn', text: '*cluster*\ncart' });
    // ops-hook routes only shop and prod-*: cart is not its business.
    expect(bodies('/hook?token=sekrit-token-in-query').some((b) => b['id'] === 'alert-inc-2-raised')).toBe(false);
  });

  it('routes by severity and family', async () => {
    expect((await channel('crit', { kind: 'slack', url: { kind: 'env', name: 'RCM_CRIT_URL' }, routes: [{ clusters: ['*'], minSeverity: 'critical' }], ...local })).status).toBe(201);
    await notifyOnEvent(await raised('inc-3', 'prod-eu', 'warning'), quiet, open);
    await notifyOnEvent(await raised('inc-4', 'prod-eu', 'critical'), quiet, open);
    expect(bodies('/crit').map((b) => (b['text'] as string).slice(0, 10))).toEqual(['[CRITICAL]']);
    expect(bodies('/hook?token=sekrit-token-in-query').filter((b) => b['clusterId'] === 'prod-eu')).toHaveLength(2);
    // teams takes only alerts: a failed job is not sent there.
    const before = bodies('/teams').length;
    await notifyOnEvent(await cloudEvent('RedisClusterManager.Job.Finished', { clusterId: 'shop', jobId: 'job-x1', kind: 'invalidate', status: 'failed', progress: {}, chunks: 2, durationMs: 1200, error: { code: 'redis_unavailable', message: 'no master answered' } }), quiet, open);
    expect(bodies('/teams')).toHaveLength(before);
    expect(bodies('/hook?token=sekrit-token-in-query').find((b) => b['id'] === 'job-job-x1-failed')).toMatchObject({ family: 'job', phase: 'failed', summary: 'redis_unavailable: no master answered' });
  });

  it('a failed warm is one message though both Warm.Failed and Job.Finished report it; a succeeded job is none', async () => {
    await notifyOnEvent(await cloudEvent('RedisClusterManager.Warm.Failed', { clusterId: 'shop', namespace: 'users', jobId: 'job-w1', error: { code: 'source_unreachable', message: 'host did not answer' }, retryable: true, keysWritten: 10 }), quiet, open);
    await notifyOnEvent(await cloudEvent('RedisClusterManager.Job.Finished', { clusterId: 'shop', namespace: 'users', jobId: 'job-w1', kind: 'warm', status: 'failed', progress: {}, chunks: 1, durationMs: 10 }), quiet, open);
    await notifyOnEvent(await cloudEvent('RedisClusterManager.Job.Finished', { clusterId: 'shop', jobId: 'job-ok', kind: 'warm', status: 'succeeded', progress: {}, chunks: 1, durationMs: 10 }), quiet, open);
    const hook = bodies('/hook?token=sekrit-token-in-query');
    expect(hook.filter((b) => b['id'] === 'job-job-w1-failed').map((b) => b['family'])).toEqual(['warm']);
    expect(hook.some((b) => b['id'] === 'job-job-ok-failed')).toBe(false);
  });

  it('a receiver that fails twice still gets the message exactly once, retried with the same delivery id', async () => {
    expect((await channel('flaky', { kind: 'webhook', url: { kind: 'env', name: 'RCM_FLAKY_URL' }, signingSecret: { kind: 'env', name: 'RCM_HOOK_SECRET' }, routes: [{ clusters: ['flaky-*'] }], ...local })).status).toBe(201);
    receiver.failNext('/flaky', 500, 503);
    const event = await raised('inc-5', 'flaky-1');
    await notifyOnEvent(event, quiet, open);
    await notifyOnEvent(event, quiet, open);
    const all = receiver.received.filter((r) => r.path === '/flaky');
    expect(all.map((r) => r.answered)).toEqual([500, 503, 200]);
    expect(new Set(all.map((r) => r.headers['x-rcm-delivery']))).toEqual(new Set(['alert-inc-5-raised']));
    expect(receiver.accepted('/flaky')).toHaveLength(1);
    for (const r of all) expect(verifyWebhookSignature(r.body, { signature: r.headers['x-rcm-signature'] as string, timestamp: r.headers['x-rcm-timestamp'] as string }, secret).ok).toBe(true);
  });

  it('a receiver that never accepts gets a dead-letter record (and no endless retries); a 4xx is not retried', async () => {
    expect((await channel('down', { kind: 'slack', url: { kind: 'env', name: 'RCM_DOWN_URL' }, routes: [{ clusters: ['down-*'] }], ...local })).status).toBe(201);
    receiver.failAlways('/down', 502);
    await notifyOnEvent(await raised('inc-6', 'down-1'), quiet, open);
    await notifyOnEvent(await raised('inc-6', 'down-1'), quiet, open);
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(4); // NOTIFY_MAX_ATTEMPTS default, once
    receiver.failAlways('/down', 404);
    await notifyOnEvent(await raised('inc-7', 'down-1'), quiet, open);
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(5);
    const letters = await callRoutes(cp, deadLetterRoutesFor(open), { method: 'GET', path: '/notification-channels/down/dead-letters', params: { name: 'down' }, as: 'reader' });
    expect(letters.status).toBe(200);
    expect(letters.json.items.map((l: { noticeKey: string; attempts: number; lastStatus: number }) => [l.noticeKey, l.attempts, l.lastStatus])).toEqual([
      ['alert-inc-7-raised', 1, 404],
      ['alert-inc-6-raised', 4, 502],
    ]);
    expect(letters.json.items[1].reason).toBe(`127.0.0.1:${new URL(receiver.url).port} answered 502`);
  });

  it('a channel whose secret is gone dead-letters with the reference named, never a value', async () => {
    env['RCM_GONE_URL'] = `${receiver.url}/gone`;
    expect((await channel('vanishing', { kind: 'slack', url: { kind: 'env', name: 'RCM_GONE_URL' }, routes: [{ clusters: ['gone-*'] }], ...local })).status).toBe(201);
    delete env['RCM_GONE_URL'];
    await notifyOnEvent(await raised('inc-8', 'gone-1'), quiet, open);
    const letters = await callRoutes(cp, deadLetterRoutesFor(open), { method: 'GET', path: '/notification-channels/vanishing/dead-letters', params: { name: 'vanishing' }, as: 'reader' });
    expect(letters.json.items[0]).toMatchObject({ noticeKey: 'alert-inc-8-raised', attempts: 0, reason: "app setting 'RCM_GONE_URL' named by the channel is not set" });
  });

  it('slot operations reach the channels that ask for them (family slots, severity info), once each', async () => {
    env['RCM_SLOTS_URL'] = `${receiver.url}/slots`;
    expect((await channel('slots', { kind: 'slack', url: { kind: 'env', name: 'RCM_SLOTS_URL' }, routes: [{ clusters: ['*'], minSeverity: 'info', families: ['slots'] }], ...local })).status).toBe(201);
    const pairs = [{ from: 'a'.repeat(40), to: 'b'.repeat(40), slots: '0-99', slotCount: 100 }];
    const started = await cloudEvent('RedisClusterManager.Cluster.SlotMigrationStarted', { clusterId: 'slot-1', jobId: 'job-s1', operation: 'reshard', pairs, plannedKeys: 500, plannedBytes: 1000 });
    await notifyOnEvent(started, quiet, open);
    await notifyOnEvent(started, quiet, open);
    await notifyOnEvent(await cloudEvent('RedisClusterManager.Cluster.Resharded', { clusterId: 'slot-1', jobId: 'job-s1', operation: 'reshard', slotsMoved: 100, keysMoved: 498, keysInMovedSlots: 500, bytesMoved: 1000, bigKeys: 0, busyKeysResolved: 0, resumed: false, durationMs: 4200, completedAt: new Date().toISOString(), pairs: [{ ...pairs[0], keysMoved: 498 }] }), quiet, open);
    expect(bodies('/slots').map((b) => b['text'])).toEqual(['[SLOTS] reshard started on slot-1 (job job-s1): 100 slot(s) in 1 move(s), about 500 keys', '[SLOTS] reshard completed on slot-1 (job job-s1): 100 slot(s) and 498 key(s) moved in 4 s']);
    // The teams channel takes every cluster from info up, but only alerts: no slot message there.
    expect(bodies('/teams').some((b) => JSON.stringify(b).includes('[SLOTS]'))).toBe(false);
  });

  it('a forged delivery (no recorded copy) tells no one: a fake resolution neither closes the real incident nor swallows its raise', async () => {
    const lines: string[] = [];
    const ctx = { log: (...a: unknown[]) => lines.push(a.join(' ')), warn: (...a: unknown[]) => lines.push(a.join(' ')) };
    const forgedResolve = envelope('RedisClusterManager.Alert.Resolved', { clusterId: 'shop', alertId: 'inc-forged', rule: 'memory_high', severity: 'warning', metric: 'used_memory_ratio', value: 0.1, resolvedAt: new Date().toISOString() });
    await notifyOnEvent(forgedResolve, ctx, open);
    await notifyOnEvent(envelope('RedisClusterManager.Alert.Raised', { clusterId: 'shop', alertId: 'inc-fake', rule: 'memory_high', severity: 'critical', metric: 'used_memory_ratio', value: 0.99, threshold: 0.9, raisedAt: new Date().toISOString() }), ctx, open);
    // A real event's id with a payload of the attacker's: the recorded copy is what is told (or not: a success is no notice).
    const real = await cloudEvent('RedisClusterManager.Job.Finished', { clusterId: 'shop', jobId: 'job-real-ok', kind: 'warm', status: 'succeeded', progress: {}, chunks: 1, durationMs: 10 });
    await notifyOnEvent({ ...real, data: { ...real.data, status: 'failed' } }, ctx, open);
    expect(lines.filter((l) => l.includes('is not recorded in the stream')).length).toBe(2);
    const ids = bodies('/hook?token=sekrit-token-in-query').map((b) => b['id']);
    expect(ids.filter((id) => /inc-forged|inc-fake|job-real-ok/.test(String(id)))).toEqual([]);
    // The real raise of that incident still goes out.
    await notifyOnEvent(await raised('inc-forged'), quiet, open);
    expect(bodies('/hook?token=sekrit-token-in-query').filter((b) => String(b['id']).startsWith('alert-inc-forged')).map((b) => b['id'])).toEqual(['alert-inc-forged-raised']);
  });

  it('drops malformed and non-notifiable events with a log line', async () => {
    const lines: string[] = [];
    const ctx = { log: (...a: unknown[]) => lines.push(a.join(' ')), warn: (...a: unknown[]) => lines.push(a.join(' ')) };
    await notifyOnEvent({ specversion: '1.0', id: 'bad-1', source: '/x', type: 'RedisClusterManager.Alert.Raised', data: { clusterId: 'shop' } }, ctx, open);
    await notifyOnEvent(envelope('RedisClusterManager.Job.Queued', { clusterId: 'shop', jobId: 'job-q', kind: 'warm' }, 'q-1'), ctx, open);
    expect(lines[0]).toMatch(/event bad-1 rejected: data\.\w+/);
    expect(lines[1]).toContain('event q-1 (RedisClusterManager.Job.Queued) is not notifiable');
  });
});

describe('the notify subscription', () => {
  it('is declared for exactly the notifiable event types', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '..', '..', 'infra', 'eventgrid-subscriptions.json'), 'utf8')) as { subscriptions: { function: string; eventTypes?: string[] }[] };
    const notify = file.subscriptions.filter((s) => s.function === 'notify');
    expect(notify).toHaveLength(1);
    expect([...(notify[0]?.eventTypes ?? [])].sort()).toEqual(Object.keys(notifiableEvents).sort());
  });
});
