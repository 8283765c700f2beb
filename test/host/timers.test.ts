import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { fixtureApp, probe, waitFor } from './helpers';

let host: RunningHost;
const logs: string[] = [];
const hookLogFile = join(mkdtempSync(join(tmpdir(), 'host-timers-')), 'terminate.json');
const masterKey = 'timer-test-master-key';

beforeAll(async () => {
  host = await startHost({
    appDir: fixtureApp,
    // Every second, with work that takes longer than a second: runs must not overlap.
    settings: { TICK_SCHEDULE: '* * * * * *', TICK_WORK_MS: '1300', HOOK_LOG_FILE: hookLogFile },
    keys: { masterKey },
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('timer triggers', () => {
  it('runs a runOnStartup timer once at start with the camel-cased timer object', async () => {
    const calls = await waitFor(async () => {
      const c = (await probe(host.url)).calls.filter((x) => x.fn === 'startup');
      return c.length > 0 ? c : undefined;
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.detail).toMatchObject({
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: { last: '0001-01-01T00:00:00', next: expect.stringMatching(/-01-01T00:00:00\.000Z$/) },
    });
  });

  it('fires an every-second schedule, never overlapping a run still in flight', async () => {
    const ticks = await waitFor(async () => {
      const t = (await probe(host.url)).ticks.filter((x) => x.end !== undefined);
      return t.length >= 2 ? t : undefined;
    }, 8000);
    expect(ticks.every((t) => t.concurrent === 1)).toBe(true);
    for (let i = 1; i < ticks.length; i++) {
      expect(ticks[i]!.start).toBeGreaterThanOrEqual(ticks[i - 1]!.end!);
    }
    // Ticks inside a 1.3 s run are skipped: well under one run per second.
    const span = ticks[ticks.length - 1]!.start - ticks[0]!.start;
    expect(span / (ticks.length - 1)).toBeGreaterThan(1300);
    expect(logs.some((l) => /Functions\.tick \(Id=[0-9a-f-]{36}\): tick, next \d{4}-/.test(l))).toBe(true);
  });
});

describe('POST /admin/functions/{name}', () => {
  const post = (name: string, key?: string, body = '{"input":""}') =>
    fetch(`${host.url}/admin/functions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-functions-key': key } : {}) },
      body,
    });

  it('runs a timer function now with the master key and answers 202', async () => {
    const before = (await probe(host.url)).calls.filter((c) => c.fn === 'startup').length;
    const res = await post('startup', masterKey);
    expect(res.status).toBe(202);
    await waitFor(async () => ((await probe(host.url)).calls.filter((c) => c.fn === 'startup').length === before + 1 ? true : undefined));
  });

  it('rejects a missing or function-level key, unknown functions, HTTP functions and bad bodies', async () => {
    expect((await post('startup')).status).toBe(401);
    expect((await post('startup', 'not-the-master-key')).status).toBe(401);
    expect((await post('noSuchFunction', masterKey)).status).toBe(404);
    expect((await post('hello', masterKey)).status).toBe(400);
    expect((await post('startup', masterKey, '{not json')).status).toBe(400);
  });
});

describe('graceful stop', () => {
  it('finishes in-flight requests, refuses new ones, and runs appTerminate hooks', async () => {
    const slow = fetch(`${host.url}/api/slow?ms=700`);
    await waitFor(() => (logs.some((l) => l.includes('Functions.slow') && l.includes('Executing')) ? true : undefined));
    const stopped = host.stop();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ waited: 700 });
    await stopped;
    await expect(fetch(`${host.url}/api/hello`)).rejects.toThrow();
    // appStart and appTerminate share hookData, as in the real worker.
    expect(JSON.parse(readFileSync(hookLogFile, 'utf8'))).toEqual({ terminated: true, startedBy: 'appStart' });
    const ticksAfterStop = logs.filter((l) => l.includes('Functions.tick') && l.includes('Executing')).length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(logs.filter((l) => l.includes('Functions.tick') && l.includes('Executing')).length).toBe(ticksAfterStop);
  });
});
