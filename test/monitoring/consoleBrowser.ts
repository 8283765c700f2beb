import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Helpers of the console's Chromium tests (Debian's chromium, driven by playwright-core, against the real host). */
const root = join(__dirname, '..', '..');
const axeSource = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Polls a browser-side expression until it is true. Given as a string and evaluated through DevTools:
 * `waitForFunction` would compile it with eval, which the page's CSP forbids.
 */
export async function waitTrue(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await page.evaluate(expression)) === true) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Navigates by hash (as a link does) and waits for the view's first refresh. */
export async function show(page: Page, hash: string): Promise<void> {
  await page.evaluate(`delete document.body.dataset.loaded; location.hash = ${JSON.stringify(hash)}`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
}

/** axe-core in the page (evaluated through DevTools, so the page's CSP stays strict); no serious violations. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(`'axe' in window`))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)) as string[];
  expect(violations, `axe on ${name}`).toEqual([]);
}

/** Full-page screenshots at 1440, 390 and 360 px; at the narrow widths nothing may stick out or scroll sideways. */
export async function screenshots(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: join(dir, `${name}-1440.png`), fullPage: true });
  for (const width of [390, 360]) {
    await page.setViewportSize({ width, height: 844 });
    await page.waitForTimeout(300);
    const wide = (await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 && !(e.parentElement && e.parentElement.closest('.table-wrap, .tabs')))
      .slice(0, 5).map((e) => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`)) as string[];
    expect(wide, `${name} at ${width} px is wider than the screen`).toEqual([]);
    const [scrollWidth, clientWidth] = (await page.evaluate(`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)) as [number, number];
    expect(scrollWidth, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(clientWidth);
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 1000 });
}
