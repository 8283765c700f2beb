import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, testSettings } from '../controlplane/api';
import { useOwnRedis } from '../helpers/redis';
import { expectAccessible, launchChromium, screenshots, show, waitTrue } from './consoleBrowser';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver';

/**
 * The console's editing actions in Chromium against the real local host, Azurite and a real redis-server: alert
 * rules edited with If-Match (a concurrent change is refused and said so), notification channels created, edited,
 * deleted with their dead letters shown (a real receiver that refuses every message), and the stream actions of
 * #19 (claim a dead worker's entries, remove it, trim) on a real stream, each job's progress shown.
 */
const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test', 'artifacts', 'console');
const gamma = useOwnRedis({ args: ['--maxmemory', '64mb'] });
const stream = 'orders:stuck';
let host: RunningHost;
let receiver: WebhookReceiver;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function api(method: string, path: string, body?: unknown, key: keyof typeof apiKeys = 'admin', headers: Record<string, string> = {}) {
  const all: Record<string, string> = { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys[key], ...headers };
  if (body !== undefined) all['content-type'] = 'application/json';
  const response = await fetch(`${host.url}/api${path}`, { method, headers: all, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag'), json: text ? JSON.parse(text) : undefined };
}

async function tick(): Promise<void> {
  const samples = async () => (await api('GET', '/clusters/gamma/metrics?from=0')).json.samples as number;
  const before = await samples();
  const run = await fetch(`${host.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' }, body: '{}' });
  expect(run.status).toBe(202);
  for (let i = 0; i < 200; i++) {
    if ((await samples()) > before) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('monitor tick did not complete');
}

async function signIn(key: string): Promise<void> {
  await page.goto(`${host.url}/api/dashboard?code=${host.keys.functionKey}#/`);
  if (await page.locator('#signout').count()) await page.click('#signout');
  await page.fill('#apikey', key);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
  await clearMessages();
}

/** The message the last action left, as the user reads it (then cleared, so the next action's is not confused with it). */
async function message(kind: 'ok' | 'error'): Promise<string> {
  await page.waitForSelector(`#messages .message.${kind}`, { timeout: 30_000 });
  const text = (await page.locator(`#messages .message.${kind}`).textContent()) ?? '';
  await clearMessages();
  return text;
}

async function clearMessages(): Promise<void> {
  await page.evaluate(`document.getElementById('messages').replaceChildren()`);
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  receiver = await startWebhookReceiver();
  receiver.failAlways('/dead', 500);
  host = await startHost({
    appDir: root,
    entryFiles: ['functions/*.ts'],
    settings: {
      ...Object.fromEntries(Object.entries(testSettings()).map(([k, v]) => [k, String(v)])),
      NOTIFY_ALLOWED_HOSTS: '127.0.0.1',
      NOTIFY_RETRY_BASE_MS: '50',
      NOTIFY_MAX_ATTEMPTS: '2',
      RCM_E2E_DEAD_URL: `${receiver.url}/dead`,
      RCM_E2E_HOOK_SECRET: 'e2e-signing-secret-0123456789',
    },
    log: () => {},
  });
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  expect((await api('PUT', '/clusters/gamma', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: gamma.server.port }], secretRef: { kind: 'none' } })).status).toBe(201);
  const redis = new Redis(gamma.server.url);
  for (let i = 0; i < 8; i++) await redis.xadd(stream, '*', 'n', String(i));
  await redis.xgroup('CREATE', stream, 'billing', '0');
  await redis.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', '5', 'STREAMS', stream, '>'); // worker-1 dies holding 5
  await redis.call('XGROUP', 'CREATECONSUMER', stream, 'billing', 'worker-2');
  redis.disconnect();
  await tick();
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await context.addInitScript(`sessionStorage.setItem('rcm-refresh-ms', '1000')`);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? pageErrors.push(m.text()) : undefined));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await receiver?.close();
});

describe('console actions in Chromium', () => {
  it('alert rules: an operator edits thresholds and disables a rule with If-Match; a concurrent change is refused (412) and said so', async () => {
    await signIn(apiKeys.operator);
    await show(page, '#/clusters/gamma/alerts');
    const row = (rule: string) => page.locator(`tr:has(button[data-rule="${rule}"])`);
    // memory_high down to a threshold any used memory passes, at once: it fires on the next tick.
    await page.click('button[data-action="edit-rule"][data-rule="memory_high"]');
    expect(await page.locator('dialog h2').textContent()).toBe('Edit alert rule memory_high on gamma');
    await page.fill('#rule-raise', '0.000001');
    await page.fill('#rule-clear', '0');
    await page.fill('#rule-for', '0');
    await page.selectOption('#rule-severity', 'critical');
    await page.click('dialog button.primary');
    expect(await message('ok')).toContain('Alert rule memory_high saved on gamma');
    await waitTrue(page, `(document.querySelector('tr:has(button[data-rule="memory_high"])')?.textContent ?? '').includes('(override)')`);
    expect(await row('memory_high').locator('td').nth(1).textContent()).toBe('used_memory_ratio above 0.000001');
    expect(await row('memory_high').locator('td').nth(4).textContent()).toBe('critical');
    // Disable another one.
    await clearMessages();
    await page.click('button[data-action="edit-rule"][data-rule="rtt_high"]');
    await page.uncheck('#rule-enabled');
    await page.click('dialog button.primary');
    await message('ok');
    await waitTrue(page, `document.querySelector('tr:has(button[data-rule="rtt_high"]) td:nth-child(6)')?.textContent === 'no'`);
    const stored = await api('GET', '/clusters/gamma/alert-rules');
    expect(stored.json.overrides).toEqual({ memory_high: { enabled: true, severity: 'critical', raiseAt: 0.000001, clearAt: 0, forSeconds: 0 }, rtt_high: { enabled: false, severity: 'warning', raiseAt: 50, clearAt: 20, forSeconds: 60 } });
    expect(stored.json.history[0].by).toBe('otto');
    // Someone else saves while the dialog is open: the console's save is refused, nothing of it is stored.
    await clearMessages();
    await page.click('button[data-action="edit-rule"][data-rule="slowlog_growth"]');
    await page.fill('#rule-raise', '99');
    const other = await api('PUT', '/clusters/gamma/alert-rules', { rules: { ...stored.json.overrides, eviction_spike: { raiseAt: 500 } } }, 'admin', { 'if-match': stored.etag ?? '' });
    expect(other.status).toBe(200);
    await page.click('dialog button.primary');
    expect(await message('error')).toContain('Changed by someone else — reload');
    const after = await api('GET', '/clusters/gamma/alert-rules');
    expect(Object.keys(after.json.overrides).sort()).toEqual(['eviction_spike', 'memory_high', 'rtt_high']);
    await expectAccessible(page, 'alerts-edit');
    await screenshots(page, artifacts, 'alerts-edit');
    // A reader sees the buttons disabled, with the reason.
    await signIn(apiKeys.reader);
    await show(page, '#/clusters/gamma/alerts');
    const edit = page.locator('button[data-action="edit-rule"][data-rule="memory_high"]');
    expect(await edit.isDisabled()).toBe(true);
    expect(await edit.getAttribute('title')).toBe('needs the operator role (you are reader)');
  }, 120_000);

  it('notification channels: an admin creates one (references only), its dead letters appear after the receiver refuses an alert; edit and delete; readers cannot', async () => {
    await signIn(apiKeys.admin);
    await show(page, '#/channels');
    await page.click('button[data-action="new-channel"]');
    await page.fill('#channel-name', 'ops-hook');
    await page.fill('#channel-display-name', 'Ops webhook');
    await page.fill('#channel-url-ref', 'RCM_E2E_DEAD_URL');
    await page.fill('#channel-signing-ref', 'RCM_E2E_HOOK_SECRET');
    await page.fill('#channel-routes', JSON.stringify([{ clusters: ['gamma'], minSeverity: 'warning', families: ['alert'] }]));
    await page.check('#channel-private');
    await page.click('dialog button.primary');
    expect(await message('ok')).toContain('Channel ops-hook saved');
    await page.waitForSelector('a[data-channel="ops-hook"]');
    // Only the references are shown; the URL they name never reaches the page.
    expect(await page.locator('tr:has(a[data-channel="ops-hook"]) td').nth(4).textContent()).toBe('setting RCM_E2E_DEAD_URL');
    expect(await page.content()).not.toContain(receiver.url);
    expect(await page.content()).not.toContain('e2e-signing-secret');
    // A bad reference is refused by the API and the console shows why, naming the field.
    await clearMessages();
    await page.click('button[data-action="new-channel"]');
    await page.fill('#channel-name', 'broken');
    await page.fill('#channel-url-ref', 'NO_SUCH_SETTING');
    await page.fill('#channel-signing-ref', 'RCM_E2E_HOOK_SECRET');
    await page.click('dialog button.primary');
    expect(await message('error')).toMatch(/channel_secret_unresolved/);
    expect((await api('GET', '/notification-channels/broken')).status).toBe(404);
    // The memory_high override fires on this tick; the receiver refuses twice: a dead letter.
    await tick();
    await host.deliveriesIdle();
    const deadline = Date.now() + 30_000;
    while ((await api('GET', '/notification-channels/ops-hook/dead-letters')).json.items.length === 0) {
      if (Date.now() > deadline) throw new Error(`no dead letter; receiver got ${receiver.received.length} requests`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.click('a[data-channel="ops-hook"]');
    await waitTrue(page, `location.hash === '#/channels/ops-hook'`);
    await page.waitForSelector('.dead-letters tbody tr', { timeout: 20_000 });
    const letter = (await page.evaluate(`[...document.querySelector('.dead-letters tbody tr').cells].slice(1, 5).map((c) => c.textContent)`)) as string[];
    expect(letter).toEqual(['Alert.Raised', 'gamma', '2', '500']);
    await expectAccessible(page, 'channels');
    await screenshots(page, artifacts, 'channels');
    // Edit (If-Match the version shown) and delete a second channel, typed to confirm.
    await clearMessages();
    await page.click('button[data-action="edit-channel"][data-channel="ops-hook"]');
    await page.fill('#channel-display-name', 'Ops webhook (paged)');
    await page.click('dialog button.primary');
    await message('ok');
    const v2 = await api('GET', '/notification-channels/ops-hook');
    expect(v2.json).toMatchObject({ displayName: 'Ops webhook (paged)', version: 2, updatedBy: 'ada' });
    // Another admin saves while this one's dialog is open: refused (412), the other change stays.
    await waitTrue(page, `(document.querySelector('tr:has(a[data-channel="ops-hook"])')?.textContent ?? '').includes('(v2)')`);
    await page.click('button[data-action="edit-channel"][data-channel="ops-hook"]');
    await page.fill('#channel-display-name', 'mine');
    const { name: _n, version: _v, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, ...spec } = v2.json;
    expect((await api('PUT', '/notification-channels/ops-hook', { ...spec, displayName: 'theirs' }, 'admin', { 'if-match': v2.etag ?? '' })).status).toBe(200);
    await page.click('dialog button.primary');
    expect(await message('error')).toContain('Changed by someone else — reload');
    expect((await api('GET', '/notification-channels/ops-hook')).json).toMatchObject({ displayName: 'theirs', version: 3 });
    expect((await api('PUT', '/notification-channels/spare', { kind: 'slack', url: { kind: 'env', name: 'RCM_E2E_DEAD_URL' }, allowPrivateNetworks: true })).status).toBe(201);
    await clearMessages();
    await page.waitForSelector('button[data-action="delete-channel"][data-channel="spare"]');
    await page.click('button[data-action="delete-channel"][data-channel="spare"]');
    await page.fill('#confirm-input', 'spare');
    await page.click('dialog button.danger');
    await message('ok');
    expect((await api('GET', '/notification-channels/spare')).status).toBe(404);
    // Operators and readers read channels but change nothing.
    await signIn(apiKeys.operator);
    await show(page, '#/channels');
    expect(await page.locator('button[data-action="new-channel"]').getAttribute('title')).toBe('needs the admin role (you are operator)');
    expect(await page.locator('button[data-action="edit-channel"][data-channel="ops-hook"]').isDisabled()).toBe(true);
  }, 120_000);

  it('streams: claim a dead worker\'s entries, remove it once it holds none, trim below what the group needs — confirmed by cluster and stream, jobs shown', async () => {
    await signIn(apiKeys.operator);
    await show(page, '#/clusters/gamma/streams');
    await page.click(`button[data-action="manage-stream"][data-key="${stream}"]`);
    await page.waitForSelector('.stream-detail button[data-action="claim"][data-group="billing"]');
    // worker-1 holds 5 pending entries: it cannot be removed yet, and says why.
    const removeWorker1 = page.locator('button[data-action="remove-consumer"][data-consumer="worker-1"]');
    expect(await removeWorker1.isDisabled()).toBe(true);
    expect(await removeWorker1.getAttribute('title')).toBe('holds 5 pending entries: claim them first');
    await page.click('button[data-action="claim"][data-group="billing"]');
    expect(await page.locator('#claim-consumer').inputValue()).toBe('worker-2'); // the consumer with nothing pending
    await page.fill('#claim-min-idle', '0');
    await page.click('dialog button.primary');
    await page.waitForSelector('dialog h2:text-is("Claim entries on stream orders:stuck of gamma?")');
    await page.click('dialog button.primary');
    expect(await message('ok')).toContain('Claim started');
    await waitTrue(page, `[...document.querySelectorAll('.stream-jobs li.job')].some((li) => li.querySelector('.pill')?.textContent === 'succeeded' && li.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') === '100' && li.textContent.includes('claimed 5'))`, 60_000);
    const redis = new Redis(gamma.server.url);
    try {
      const pending = (await redis.call('XPENDING', stream, 'billing')) as [number, string, string, [string, string][]];
      expect(pending[0]).toBe(5);
      expect(pending[3]).toEqual([['worker-2', '5']]);
      await expectAccessible(page, 'streams-actions');
      await screenshots(page, artifacts, 'streams-actions');
      // The next tick sees worker-1 empty: now it can go.
      await tick();
      await waitTrue(page, `document.querySelector('button[data-action="remove-consumer"][data-consumer="worker-1"]')?.disabled === false`);
      await clearMessages();
      await removeWorker1.click();
      expect(await page.locator('dialog h2').textContent()).toBe(`Remove consumer worker-1 from billing on stream ${stream} of gamma?`);
      await page.click('dialog button.primary');
      await message('ok');
      await waitTrue(page, `[...document.querySelectorAll('.stream-jobs li.job')].filter((li) => li.querySelector('.pill')?.textContent === 'succeeded').length >= 2`, 60_000);
      const consumers = ((await redis.call('XINFO', 'CONSUMERS', stream, 'billing')) as unknown[][]).map((c) => String(c[1]));
      expect(consumers).toEqual(['worker-2']);
      // worker-2 processes the 5; the 3 never delivered must stay. Trim to 1 entry: stops at the group's bound (3 left).
      const ids = ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([id]) => id);
      await redis.xack(stream, 'billing', ...ids.slice(0, 5));
      await clearMessages();
      await page.click('button[data-action="trim-stream"]');
      await page.fill('#trim-maxlen', '1');
      expect(await page.locator('#trim-force').isDisabled()).toBe(true); // forcing is admin-only
      await page.click('dialog button.primary');
      await page.waitForSelector(`dialog h2:text-is("Trim stream ${stream} on gamma?")`);
      expect(await page.locator('dialog button.danger').isDisabled()).toBe(true);
      await page.fill('#confirm-input', 'gamma');
      await page.click('dialog button.danger');
      await message('ok');
      await waitTrue(page, `[...document.querySelectorAll('.stream-jobs li.job')].filter((li) => li.querySelector('.pill')?.textContent === 'succeeded').length >= 3`, 60_000);
      expect(await redis.xlen(stream)).toBe(3);
      expect(((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([id]) => id)).toEqual(ids.slice(5));
    } finally {
      redis.disconnect();
    }
    // Every action was audited with who asked; claim and trim were measured against what they could do at most.
    const jobs = (await api('GET', '/clusters/gamma/jobs?limit=20')).json.items.filter((j: { kind: string }) => j.kind === 'stream-action');
    const byAction = (a: string) => jobs.find((j: { params: { action: string } }) => j.params.action === a);
    expect(byAction('claim')).toMatchObject({ measure: { counter: 'claimed', done: 5, total: 5, exact: false }, percent: 100 });
    expect(byAction('trim')).toMatchObject({ measure: { counter: 'removed', done: 5, total: 7, exact: false }, percent: 100 });
    expect(jobs.map((j: { params: { action: string }; createdBy: { id: string } }) => `${j.params.action} by ${j.createdBy.id}`).sort()).toEqual(['claim by otto', 'remove-consumer by otto', 'trim by otto']);
    // A reader opens the groups but every action is disabled with the reason.
    await signIn(apiKeys.reader);
    await show(page, '#/clusters/gamma/streams');
    await page.click(`button[data-action="manage-stream"][data-key="${stream}"]`);
    await page.waitForSelector('.stream-detail button[data-action="claim"]');
    expect(await page.locator('.stream-detail button[data-action="claim"]').getAttribute('title')).toBe('needs the operator role (you are reader)');
    expect(await page.locator('.stream-detail button[data-action="trim-stream"]').isDisabled()).toBe(true);
    expect(pageErrors.filter((e) => !/Failed to load resource|ERR_FAILED/.test(e))).toEqual([]);
  }, 180_000);
});
