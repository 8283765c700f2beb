import { describe, expect, it } from 'vitest';
import type { JobView } from '../../shared/platform/jobs/JobService';
import { jobProgress } from '../../cli/jobs/jobProgress';
import { RateMeter, renderBar } from '../../cli/jobs/renderBar';
import { colorEnabled, type Output } from '../../cli/output/Output';
import { printTable } from '../../cli/output/table';
import picocolors from 'picocolors';

// The pure parts of the CLI's output: progress model, bar, rate, tables, the colour decision.
const job = (over: Partial<JobView> & Record<string, unknown>): JobView =>
  ({ id: 'j', kind: 'invalidate', clusterId: 'c', params: {}, status: 'running', progress: {}, nodes: [], createdBy: { id: 'a', kind: 'api-key', role: 'admin' }, createdAt: '', updatedAt: '', chunks: 1, failedChunks: 0, cancelRequested: false, ...over }) as JobView;

describe('jobProgress', () => {
  it('prefers the job\'s own measure and ETA', () => {
    expect(jobProgress(job({ progress: { deleted: 40 }, measure: { counter: 'deleted', done: 40, total: 200, exact: false, basis: 'dry-run estimate' }, etaSeconds: 12 }), { total: 999 })).toEqual({ done: 40, total: 200, unit: 'keys', etaSeconds: 12 });
  });
  it('falls back to the kind\'s counter against the hint, analysis against dbsize, then nodes done, then counts only', () => {
    expect(jobProgress(job({ progress: { deleted: 40 } }), { total: 100 })).toEqual({ done: 40, total: 100, unit: 'keys', etaSeconds: null });
    expect(jobProgress(job({ kind: 'analysis', progress: { keysProbed: 30, dbsize: 60 } }))).toMatchObject({ done: 30, total: 60 });
    const nodes = [{ id: 'a', done: true, counts: {} }, { id: 'b', done: false, counts: {} }];
    expect(jobProgress(job({ kind: 'ttl-hygiene', progress: { scanned: 5 }, nodes }))).toEqual({ done: 1, total: 2, unit: 'nodes', etaSeconds: null });
    expect(jobProgress(job({ kind: 'warm', progress: { read: 7 } }))).toEqual({ done: 7, total: null, unit: 'records', etaSeconds: null });
  });
  it('a succeeded job is full even when its estimate was high', () => {
    const measure = { counter: 'deleted', done: 3000, total: 3596, exact: false, basis: 'dry-run estimate' };
    expect(jobProgress(job({ progress: { deleted: 3000 }, measure }))).toMatchObject({ done: 3000, total: 3596 });
    expect(jobProgress(job({ status: 'succeeded', progress: { deleted: 3000 }, measure }))).toMatchObject({ done: 3000, total: 3000 });
  });
  it('a total below what was done (a low estimate) grows to the count', () => {
    expect(jobProgress(job({ progress: { deleted: 150 } }), { total: 100 }).total).toBe(150);
  });
});

describe('renderBar', () => {
  it('shows share, counts, rate and ETA; no ETA at 100 %; counts and rate without a total', () => {
    expect(renderBar({ done: 250, total: 1000, unit: 'keys', etaSeconds: null }, 50, 100, 'job')).toBe(`[${'#'.repeat(10)}${'-'.repeat(30)}]   25 %  250/1,000 keys  50/s  ETA 15s  job`);
    expect(renderBar({ done: 1000, total: 1000, unit: 'keys', etaSeconds: null }, null, 100, 'job')).toBe(`[${'#'.repeat(40)}]  100 %  1,000/1,000 keys  job`);
    expect(renderBar({ done: 1234, total: null, unit: 'records', etaSeconds: null }, 1500, 100, 'warm')).toBe('1,234 records  1.5k/s  warm');
    expect(renderBar({ done: 1, total: 4, unit: 'nodes', etaSeconds: 90 }, null, 100, 'x')).toContain('ETA 1m30s');
  });
  it('rate is over the recent window, so a stall shows', () => {
    const meter = new RateMeter(5000);
    expect(meter.add(0, 0)).toBeNull();
    expect(meter.add(1000, 1000)).toBe(1000);
    expect(meter.add(1000, 7000)).toBeCloseTo(0, 5);
  });
});

describe('printTable', () => {
  const capture = (isTTY: boolean): { out: Output; lines: string[] } => {
    const lines: string[] = [];
    const out: Output = { isTTY, errIsTTY: false, color: picocolors.createColors(false), errColor: picocolors.createColors(false), columns: 80, line: (t = '') => lines.push(t), err: () => undefined, errRaw: () => undefined };
    return { out, lines };
  };
  it('aligns on a terminal (numbers right), tab-separated without header when piped', () => {
    const tty = capture(true);
    printTable(tty.out, [{ header: 'NAME' }, { header: 'KEYS', align: 'right' }, { header: 'NOTE' }], [['a', '5', 'x'], ['bbbb', '1,000', 'y']]);
    expect(tty.lines).toEqual(['NAME   KEYS  NOTE', 'a         5  x', 'bbbb  1,000  y']);
    const piped = capture(false);
    printTable(piped.out, [{ header: 'NAME' }, { header: 'KEYS' }], [['a\tb', '\u001b[32m5\u001b[39m']]);
    expect(piped.lines).toEqual(['a b\t5']);
  });
});

describe('colorEnabled', () => {
  it('NO_COLOR, TERM=dumb and --no-color turn it off; FORCE_COLOR on; else the terminal decides', () => {
    expect(colorEnabled(true, {}, false)).toBe(true);
    expect(colorEnabled(false, {}, false)).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: '1' }, false)).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: '' }, false)).toBe(true);
    expect(colorEnabled(true, { TERM: 'dumb' }, false)).toBe(false);
    expect(colorEnabled(true, {}, true)).toBe(false);
    expect(colorEnabled(false, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled(true, { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(false);
  });
});
