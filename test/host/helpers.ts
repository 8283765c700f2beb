import { resolve } from 'node:path';

/** The fixture function app the host tests run. */
export const fixtureApp = resolve(__dirname, '../fixtures/host-app');

/** A schedule that will not fire during a test run (first second of the year). */
export const yearly = '0 0 0 1 1 *';

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface FixtureRecord {
  calls: { fn: string; at: number; detail?: unknown }[];
  hooks: string[];
  events: { fn: string; id: string; type: string; attempt: number; data: unknown }[];
  ticks: { fn: string; start: number; end?: number; isPastDue: boolean; concurrent: number }[];
}

export async function probe(baseUrl: string): Promise<FixtureRecord> {
  const res = await fetch(`${baseUrl}/api/probe`);
  return (await res.json()) as FixtureRecord;
}
