import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, testSettings } from '../controlplane/api';
import { expectAccessible, launchChromium, screenshots } from './consoleBrowser';
import { startLocalEntraStandIn, type LocalEntraStandIn } from './localEntraStandIn';

/**
 * "Sign in with Microsoft" in Chromium against the real local host and a LOCAL ENTRA STAND-IN (test/monitoring/
 * localEntraStandIn.ts: the OAuth 2.0 code flow with PKCE of Entra's v2 endpoints, HTTPS, RS256 tokens). MSAL
 * Browser runs unchanged against it (a custom authority in `knownAuthorities`); the host validates the stand-in's
 * tokens itself (LOCAL_ENTRA_STANDIN_PUBLIC_KEY, local only), as API Management does with Entra's in Azure. Real
 * Entra ID is not reachable here: that flow is not exercised by this test.
 */
const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test', 'artifacts', 'console');
const clientId = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
let host: RunningHost;
let entra: LocalEntraStandIn;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const assetRequests: string[] = [];
const apiHeaders: Array<Record<string, string>> = [];

async function api(path: string, headers: Record<string, string>) {
  const response = await fetch(`${host.url}/api${path}`, { headers: { 'x-functions-key': host.keys.functionKey, ...headers } });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function openConsole(): Promise<void> {
  await page.goto(`${host.url}/api/dashboard?code=${host.keys.functionKey}#/`);
}

/** Clicks "Sign in with Microsoft" and follows the popup until it closes itself. */
async function signInWithMicrosoft(): Promise<void> {
  await page.waitForSelector('button[data-action="entra-signin"]');
  const popup = context.waitForEvent('page');
  await page.click('button[data-action="entra-signin"]');
  const opened = await popup;
  await opened.waitForEvent('close', { timeout: 30_000 });
}

beforeAll(async () => {
  entra = await startLocalEntraStandIn(clientId);
  host = await startHost({
    appDir: root,
    entryFiles: ['functions/*.ts'],
    settings: {
      ...Object.fromEntries(Object.entries(testSettings()).map(([k, v]) => [k, String(v)])),
      CONSOLE_ENTRA_CLIENT_ID: clientId,
      CONSOLE_ENTRA_AUTHORITY: entra.authority,
      LOCAL_ENTRA_STANDIN_PUBLIC_KEY: entra.publicKeyPem,
    },
    log: () => {},
  });
  browser = await launchChromium();
  // The stand-in's certificate is self-signed: this browser accepts it (real Entra has a public one).
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, ignoreHTTPSErrors: true });
  await context.addInitScript(`sessionStorage.setItem('rcm-refresh-ms', '1000')`);
  page = await context.newPage();
  context.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/dashboard/assets/')) assetRequests.push(url.pathname.replace('/api/dashboard/assets/', ''));
    else if (url.pathname.startsWith('/api/') && url.pathname !== '/api/dashboard') apiHeaders.push(r.headers());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await entra?.close();
});

describe('Entra sign-in from the browser (local Entra stand-in)', () => {
  it('the sign-in settings are served (nothing secret) and the CSP lets the page reach the authority only', async () => {
    const config = await fetch(`${host.url}/api/dashboard/assets/entra-config.json`);
    expect(await config.json()).toEqual({ enabled: true, clientId, authority: entra.authority, scopes: [`${clientId}/.default`], localStandIn: true });
    const csp = (await fetch(`${host.url}/api/dashboard?code=${host.keys.functionKey}`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${new URL(entra.authority).origin};`);
    expect(csp).toContain("script-src 'self';");
  });

  it('the API-key path never downloads MSAL', async () => {
    await openConsole();
    await page.waitForSelector('button[data-action="entra-signin"]');
    await page.fill('#apikey', apiKeys.reader);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.locator('#principal').textContent()).toBe('rita · reader');
    expect(assetRequests).toContain('console.js');
    expect(assetRequests.filter((a) => a.startsWith('entra.js') || a.startsWith('entra-bridge'))).toEqual([]);
    const bundle = await (await fetch(`${host.url}/api/dashboard/assets/console.js`)).text();
    expect(bundle).not.toContain('PublicClientApplication');
    await page.click('#signout');
  });

  it('signs in with a popup (code + PKCE), calls the API with Authorization: Bearer, shows the user and role, survives a reload, signs out', async () => {
    apiHeaders.length = 0;
    await openConsole();
    await expectAccessible(page, 'sign-in');
    await screenshots(page, artifacts, 'sign-in');
    await signInWithMicrosoft();
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    expect(await page.locator('#principal').textContent()).toBe('ellen@contoso.test · operator');
    expect(await page.locator('#principal').getAttribute('title')).toBe('signed in with Entra');
    expect(entra.requests).toEqual(expect.arrayContaining([`/${entra.tenantId}/oauth2/v2.0/authorize`, `/${entra.tenantId}/oauth2/v2.0/token`]));
    expect(assetRequests).toEqual(expect.arrayContaining(['entra.js', 'signed-in.html', 'entra-bridge.js']));
    // Every data call carried the token, none an API key.
    const calls = apiHeaders.filter((h) => h['authorization'] !== undefined || h['x-api-key'] !== undefined);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const h of calls) {
      expect(h['authorization']).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(h['x-api-key']).toBeUndefined();
    }
    // The role bounds the user as it bounds an API key: an operator may not change notification channels.
    await page.evaluate(`location.hash = '#/channels'`);
    await page.waitForSelector('button[data-action="new-channel"]');
    expect(await page.locator('button[data-action="new-channel"]').getAttribute('title')).toBe('needs the admin role (you are operator)');
    await expectAccessible(page, 'entra-signed-in');
    // Reload: MSAL's cache in session storage gives the token again, no new sign-in.
    const authorizes = entra.requests.filter((r) => r.endsWith('/authorize')).length;
    await page.reload();
    await page.waitForSelector('#principal', { timeout: 30_000 });
    expect(await page.locator('#principal').textContent()).toBe('ellen@contoso.test · operator');
    expect(entra.requests.filter((r) => r.endsWith('/authorize')).length).toBe(authorizes);
    // Sign out: the form again, and no token left in the tab.
    await page.click('#signout');
    await page.waitForSelector('#signin');
    await page.waitForFunction(() => Object.keys(sessionStorage).every((k) => !/accesstoken|idtoken|refreshtoken/i.test(k)), undefined, { timeout: 10_000 }).catch(async () => {
      throw new Error(`tokens left in session storage: ${JSON.stringify(await page.evaluate(() => Object.keys(sessionStorage)))}`);
    });
  }, 120_000);

  it('a user without an app role of this API is refused (403) and told so', async () => {
    entra.user = { upn: 'nora@contoso.test', oid: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', roles: [] };
    await openConsole();
    await signInWithMicrosoft();
    await page.waitForSelector('#signin .message.error', { timeout: 30_000 });
    expect(await page.locator('#signin .message.error').textContent()).toContain("'nora@contoso.test' holds none of the roles reader, operator, admin");
  }, 60_000);

  it('the host checks the stand-in token as APIM checks Entra\'s: signature, issuer, audience, expiry', async () => {
    const admin = { upn: 'ada@contoso.test', oid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', roles: ['RedisClusterManager.Admin'] };
    const ok = await api('/me', { authorization: `Bearer ${entra.accessToken(admin)}` });
    expect(ok).toMatchObject({ status: 200, json: { principal: { id: 'ada@contoso.test', kind: 'entra', role: 'admin' } } });
    const now = Math.floor(Date.now() / 1000);
    for (const [why, token] of [
      ['audience', entra.accessToken(admin, { aud: 'someone-else' })],
      ['issuer', entra.accessToken(admin, { iss: 'https://login.microsoftonline.com/other/v2.0' })],
      ['expired', entra.accessToken(admin, { exp: now - 3600 })],
      ['signature', `${entra.accessToken(admin).split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`],
    ] as const) {
      const refused = await api('/me', { authorization: `Bearer ${token}` });
      expect(refused.status, why).toBe(401);
      expect(refused.json.detail, why).toBe(`the bearer token is not valid: ${why}`);
    }
  });
});
