import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventGridSubscriptionsFileSchema } from '../../shared/platform/events/subscriptionsSchema';
import { resolveEntryFiles } from '../../tools/host/core/loadApp';
import { startHost } from '../../tools/host/index';
import { loadSubscriptions } from '../../tools/host/eventgrid/loadSubscriptions';
import { fixtureApp, yearly } from './helpers';

function tempApp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'host-app-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('entry files', () => {
  it('expands the package.json main glob like the real host', () => {
    const files = resolveEntryFiles(fixtureApp).map((f) => f.slice(fixtureApp.length + 1));
    expect(files).toEqual(['functions/events.ts', 'functions/hooks.ts', 'functions/http.ts', 'functions/probe.ts', 'functions/timers.ts']);
  });

  it('takes an explicit list of files or globs, including ** patterns', () => {
    const dir = tempApp({
      'package.json': '{"main":"dist/*.js"}',
      'dist/a.js': '',
      'dist/nested/b.js': '',
      'dist/nested/c.js.map': '',
    });
    expect(resolveEntryFiles(dir).map((f) => f.slice(dir.length + 1))).toEqual(['dist/a.js']);
    expect(resolveEntryFiles(dir, ['dist/**/*.js']).map((f) => f.slice(dir.length + 1))).toEqual(['dist/a.js', 'dist/nested/b.js']);
  });

  it('expands braces, extglob negation and ! excludes with globby, as the Node.js worker expands main', () => {
    const dir = tempApp({
      'package.json': '{"main":"dist/{functions/*.js,tools/extra.js}"}',
      'dist/functions/a.js': '',
      'dist/functions/b.js': '',
      'dist/functions/skip.js': '',
      'dist/tools/extra.js': '',
      'dist/tools/other.js': '',
    });
    const rel = (files: string[]) => files.map((f) => f.slice(dir.length + 1)).sort();
    expect(rel(resolveEntryFiles(dir))).toEqual(['dist/functions/a.js', 'dist/functions/b.js', 'dist/functions/skip.js', 'dist/tools/extra.js']);
    expect(rel(resolveEntryFiles(dir, ['dist/functions/!(skip).js']))).toEqual(['dist/functions/a.js', 'dist/functions/b.js']);
    expect(rel(resolveEntryFiles(dir, ['dist/**/*.js', '!dist/tools/**']))).toEqual(['dist/functions/a.js', 'dist/functions/b.js', 'dist/functions/skip.js']);
  });

  it('fails clearly when nothing matches or main is missing', () => {
    expect(() => resolveEntryFiles(tempApp({ 'package.json': '{"main":"dist/*.js"}' }))).toThrow(/No function entry files match "dist\/\*\.js".*Found zero files matching the supplied pattern/);
    expect(() => resolveEntryFiles(tempApp({ 'package.json': '{"main":"dist/index.js"}' }))).toThrow(/File does not exist/);
    expect(() => resolveEntryFiles(tempApp({ 'package.json': '{}' }))).toThrow(/no "main"/);
  });
});

describe('a brace main through the host', () => {
  it('loads exactly the files `functions/{http,probe}.ts` names and serves them', async () => {
    const host = await startHost({ appDir: fixtureApp, entryFiles: ['functions/{http,probe}.ts'], settings: { TICK_SCHEDULE: yearly }, log: () => {} });
    try {
      const names = host.functions.map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(['hello', 'itemById', 'probe']));
      expect(host.functions.every((f) => f.trigger === 'http')).toBe(true);
      expect((await fetch(`${host.url}/api/probe`)).status).toBe(200);
    } finally {
      await host.stop();
    }
  });
});

describe('subscriptions declaration', () => {
  it('reads the fixture declaration with Azure defaults filled in', () => {
    const subscriptions = loadSubscriptions(join(fixtureApp, 'infra/eventgrid-subscriptions.json'));
    expect(subscriptions[0]).toEqual({
      name: 'on-test-events',
      function: 'onEvent',
      source: 'topic',
      eventTypes: ['Test.Happened'],
      maxDeliveryAttempts: 30,
      eventTimeToLiveMinutes: 1440,
    });
  });

  it('validates the project declaration in infra/', () => {
    const path = join(__dirname, '../../infra/eventgrid-subscriptions.json');
    expect(() => loadSubscriptions(path)).not.toThrow();
  });

  it('rejects unknown sources, bad names, duplicates and out-of-range limits, naming the field', () => {
    const bad = (subscriptions: unknown[]) => eventGridSubscriptionsFileSchema.safeParse({ subscriptions });
    const base = { name: 'ok-name', function: 'f', source: 'topic' };
    expect(bad([{ ...base, source: 'queue' }]).error?.issues[0]?.path).toEqual(['subscriptions', 0, 'source']);
    expect(bad([{ ...base, name: 'a' }]).success).toBe(false);
    expect(bad([{ ...base, maxDeliveryAttempts: 31 }]).success).toBe(false);
    expect(bad([{ ...base, eventTimeToLiveMinutes: 0 }]).success).toBe(false);
    expect(bad([{ ...base, extra: true }]).success).toBe(false);
    expect(bad([base, { ...base, name: 'OK-NAME' }]).error?.issues[0]?.message).toMatch(/duplicate subscription name/);
    expect(bad([base]).success).toBe(true);
  });

  it('makes the host refuse an invalid file with the offending path', () => {
    const dir = tempApp({ 'subs.json': '{"subscriptions":[{"name":"x1x","function":"f","source":"nowhere"}]}' });
    expect(() => loadSubscriptions(join(dir, 'subs.json'))).toThrow(/subscriptions\.0\.source/);
  });
});
