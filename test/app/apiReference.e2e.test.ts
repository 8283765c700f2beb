import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { apiKeys, testSettings } from '../controlplane/api';

/** The API reference page through the local host, in headless Chromium: served by the app, nothing from elsewhere. */
const root = join(__dirname, '..', '..');
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    appDir: root,
    entryFiles: ['functions/*.ts'],
    settings: Object.fromEntries(Object.entries(testSettings()).map(([k, v]) => [k, String(v)])),
    subscriptionsFile: join(__dirname, '..', 'controlplane', 'noSubscriptions.json'),
    log: () => {},
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('GET /api/docs', () => {
  it('renders every operation of the document in Chromium with a strict CSP, loading only its own files, and "Try it out" reaches the API', async () => {
    const document = JSON.parse(readFileSync(join(root, 'infra', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      const errors: string[] = [];
      const elsewhere: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => (m.type() === 'error' ? errors.push(`${m.text()} ${m.location().url}`) : undefined));
      page.on('request', (r) => (r.url().startsWith(host.url) || r.url().startsWith('data:') ? undefined : elsewhere.push(r.url())));
      const response = await page.goto(`${host.url}/api/docs?code=${host.keys.functionKey}`);
      expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self';.*style-src 'self';/);
      await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
      await page.waitForSelector('.opblock');
      expect(await page.locator('.info .title').textContent()).toContain('Redis Cluster Manager admin API');
      // The function key is sent as a header, not left in the address bar or on the page.
      expect(page.url()).toBe(`${host.url}/api/docs`);
      expect(await page.content()).not.toContain(host.keys.functionKey);
      expect(await page.locator('.opblock').count()).toBe(operations);

      // Try it out on GET /clusters with a reader key entered through Authorize (the function key rides along from ?code=).
      await page.locator('button.authorize').first().click();
      const apiKeyInput = page.locator('.auth-container', { hasText: 'x-api-key' }).locator('input');
      await apiKeyInput.fill(apiKeys.reader);
      await page.locator('.auth-container', { hasText: 'x-api-key' }).locator('button.authorize').click();
      await page.locator('.modal-ux button.close-modal').click();
      const listClusters = page.locator('#operations-admin-listClusters');
      await listClusters.locator('.opblock-summary').click();
      await listClusters.locator('button.try-out__btn').click();
      const answer = page.waitForResponse((r) => r.url() === `${host.url}/api/clusters`);
      await listClusters.locator('button.execute').click();
      expect((await answer).status()).toBe(200);
      const shown = listClusters.locator('.live-responses-table tbody .response-col_status').first();
      await shown.waitFor();
      expect((await shown.textContent())?.trim()).toBe('200');
      await listClusters.locator('.opblock-summary').click();

      expect(errors).toEqual([]);
      expect(elsewhere).toEqual([]);
      mkdirSync(join(root, 'test', 'artifacts'), { recursive: true });
      await page.mouse.wheel(0, -100_000);
      await page.screenshot({ path: join(root, 'test', 'artifacts', 'api-reference.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('needs the function key for the page; its files are public, immutable per version and refuse unknown names', async () => {
    expect((await fetch(`${host.url}/api/docs`)).status).toBe(401);
    const bundle = await fetch(`${host.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
    const again = await fetch(`${host.url}/api/docs/assets/swagger-ui-bundle.js`, { headers: { 'if-none-match': bundle.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
    expect((await fetch(`${host.url}/api/docs/assets/..%2Fpackage.json`)).status).toBe(404);
    const missing = await fetch(`${host.url}/api/docs/assets/index.html`);
    expect([missing.status, missing.headers.get('content-type')]).toEqual([404, 'application/problem+json; charset=utf-8']);
    expect(await missing.json()).toMatchObject({ code: 'asset_not_found', errors: [{ field: 'params.name' }] });
  });
});
