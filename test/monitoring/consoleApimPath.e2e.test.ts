import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, apimSecret, testSettings } from '../controlplane/api';
import { expectAccessible, launchChromium, show } from './consoleBrowser';
import { startConsoleApimStandIn, type ConsoleApimStandIn } from './consoleApimStandIn';
import { startLocalEntraStandIn, type LocalEntraStandIn } from './localEntraStandIn';

/**
 * The console opened the way it is in Azure, through API Management's console API, with "Sign in with Microsoft":
 * Chromium → a LOCAL STAND-IN for the console API (consoleApimStandIn.ts: `/console/...` mounted on the host's
 * `/api/...`, the page and assets anonymous, every other call with a Bearer token checked and turned into the
 * forwarded identity) → the real local host, configured as in Azure: it does not read bearer tokens
 * (no LOCAL_ENTRA_STANDIN_PUBLIC_KEY), it trusts x-rcm-principal / x-rcm-roles with the APIM shared secret. Tokens
 * come from the local Entra stand-in. Neither real APIM nor real Entra ID is reachable here.
 */
const root = join(__dirname, '..', '..');
const clientId = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const admin = { upn: 'ada@contoso.test', oid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', roles: ['RedisClusterManager.Admin'] };
let host: RunningHost;
let entra: LocalEntraStandIn;
let gateway: ConsoleApimStandIn;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const browserRequests: Array<{ url: URL; headers: Record<string, string> }> = [];

beforeAll(async () => {
  entra = await startLocalEntraStandIn(clientId);
  host = await startHost({
    appDir: root,
    entryFiles: ['functions/*.ts'],
    settings: {
      ...Object.fromEntries(Object.entries(testSettings()).map(([k, v]) => [k, String(v)])),
      CONSOLE_ENTRA_CLIENT_ID: clientId,
      CONSOLE_ENTRA_AUTHORITY: entra.authority,
      NOTIFY_ALLOWED_HOSTS: '127.0.0.1',
      RCM_GW_HOOK_URL: 'http://127.0.0.1:9/hook',
      RCM_GW_HOOK_SECRET: 'gateway-signing-secret-0123456789',
    },
    log: () => {},
  });
  gateway = await startConsoleApimStandIn({ hostUrl: host.url, functionKey: host.keys.functionKey, apimSecret, entra: { publicKeyPem: entra.publicKeyPem, authority: entra.authority, clientId } });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, ignoreHTTPSErrors: true });
  await context.addInitScript(`sessionStorage.setItem('rcm-refresh-ms', '1000')`);
  context.on('request', (r) => browserRequests.push({ url: new URL(r.url()), headers: r.headers() }));
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await host?.stop();
  await entra?.close();
});

describe('the console through the console API path (local stand-in for APIM) with Entra sign-in', () => {
  it('the host is configured as in Azure: a bearer token sent to it directly is not read', async () => {
    const direct = await fetch(`${host.url}/api/me`, { headers: { 'x-functions-key': host.keys.functionKey, authorization: `Bearer ${entra.accessToken(admin)}` } });
    expect(direct.status).toBe(401);
    expect(((await direct.json()) as { code: string }).code).toBe('missing_credentials');
  });

  it('the stand-in lets only the page and its assets through without a token, and only GET', async () => {
    const pageAnswer = await fetch(`${gateway.origin}/console/dashboard`);
    expect(pageAnswer.status).toBe(200);
    expect(pageAnswer.headers.get('content-security-policy')).toContain("connect-src 'self' ");
    expect((await fetch(`${gateway.origin}/console/dashboard/assets/console.js`)).status).toBe(200);
    expect((await fetch(`${gateway.origin}/console/dashboard`, { method: 'POST' })).status).toBe(404);
    const refused = await fetch(`${gateway.origin}/console/clusters`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(((await refused.json()) as { code: string }).code).toBe('entra_token_required');
    expect((await fetch(`${gateway.origin}/console/clusters`, { headers: { 'x-api-key': apiKeys.admin } })).status).toBe(401);
    expect((await fetch(`${gateway.origin}/console/clusters`, { headers: { authorization: `Bearer ${entra.accessToken(admin, { aud: 'someone-else' })}` } })).status).toBe(401);
    expect((await fetch(`${gateway.origin}/console/clusters`, { headers: { authorization: `Bearer ${entra.accessToken(admin)}` } })).status).toBe(200);
    expect((await fetch(`${gateway.origin}/console/no-such-route`, { headers: { authorization: `Bearer ${entra.accessToken(admin)}` } })).status).toBe(404);
  });

  it('the API-key form on the gateway is refused with the policy\'s reason (API keys are for the console on the Function App)', async () => {
    await page.goto(`${gateway.origin}/console/dashboard#/`);
    await page.waitForSelector('button[data-action="entra-signin"]');
    await page.fill('#apikey', apiKeys.admin);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#signin .message.error', { timeout: 20_000 });
    expect(await page.locator('#signin .message.error').textContent()).toBe('Unauthorized: through API Management the console needs Sign in with Microsoft (a valid Entra access token); API keys work on the console opened on the Function App');
    // The key went to the gateway's /console/me and no further: the stand-in drops x-api-key, as the policy does.
    expect(gateway.requests.filter((r) => r.path === '/console/me').map((r) => r.status)).toEqual([401]);
  }, 60_000);

  it('opened at /console/dashboard, signs in with a popup, and every call goes under /console with the Bearer token', async () => {
    entra.user = admin;
    browserRequests.length = 0;
    gateway.requests.length = 0;
    await page.goto(`${gateway.origin}/console/dashboard#/`);
    await page.waitForSelector('button[data-action="entra-signin"]');
    const popup = context.waitForEvent('page');
    await page.click('button[data-action="entra-signin"]');
    await (await popup).waitForEvent('close', { timeout: 30_000 });
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    expect(await page.locator('#principal').textContent()).toBe('ada@contoso.test · admin');
    // The popup came back to the console API's signed-in.html: the redirect URI infra/main.bicep registers, on this origin.
    const authorize = browserRequests.find((r) => r.url.pathname.endsWith('/oauth2/v2.0/authorize'));
    expect(authorize?.url.searchParams.get('redirect_uri')).toBe(`${gateway.origin}/console/dashboard/assets/signed-in.html`);
    // Nothing went to the host directly, nothing to an /api prefix: the base came from the page's own path.
    const ours = browserRequests.filter((r) => r.url.origin !== new URL(entra.authority).origin);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((r) => r.url.origin !== gateway.origin).map((r) => r.url.href)).toEqual([]);
    expect(ours.filter((r) => !r.url.pathname.startsWith('/console/')).map((r) => r.url.pathname)).toEqual([]);
    // The gateway answered every call with an operation (no 404 from a wrong path); data calls carried the token.
    expect(gateway.requests.filter((r) => r.template === null)).toEqual([]);
    const data = ours.filter((r) => !r.url.pathname.startsWith('/console/dashboard'));
    expect(data.map((r) => r.url.pathname)).toEqual(expect.arrayContaining(['/console/me', '/console/clusters']));
    for (const r of data) {
      expect(r.headers['authorization']).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(r.headers['x-api-key']).toBeUndefined();
    }
    expect(gateway.requests.filter((r) => !r.anonymous).every((r) => r.status < 400)).toBe(true);
    await expectAccessible(page, 'console-through-gateway');
  }, 120_000);

  it('a write through the gateway is done as the signed-in user (the app records the forwarded principal)', async () => {
    await show(page, '#/channels');
    await page.click('button[data-action="new-channel"]');
    await page.fill('#channel-name', 'gw-hook');
    await page.fill('#channel-display-name', 'Through the gateway');
    await page.fill('#channel-url-ref', 'RCM_GW_HOOK_URL');
    await page.fill('#channel-signing-ref', 'RCM_GW_HOOK_SECRET');
    await page.fill('#channel-routes', JSON.stringify([{ minSeverity: 'warning', families: ['alert'] }]));
    await page.check('#channel-private');
    await page.click('dialog button.primary');
    await page.waitForSelector('a[data-channel="gw-hook"]', { timeout: 20_000 });
    expect(gateway.requests.some((r) => r.method === 'PUT' && r.path === '/console/notification-channels/gw-hook' && r.status === 201)).toBe(true);
    const stored = await fetch(`${host.url}/api/notification-channels/gw-hook`, { headers: { 'x-functions-key': host.keys.functionKey, 'x-api-key': apiKeys.admin } });
    expect(await stored.json()).toMatchObject({ name: 'gw-hook', createdBy: 'ada@contoso.test' });
  }, 60_000);
});
