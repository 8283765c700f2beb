import { describe, expect, it } from 'vitest';
import { jobProgress } from '../../shared/platform/jobs/jobProgress';

const t0 = Date.parse('2026-12-01T08:00:00Z');
const iso = (s: number) => new Date(t0 + s * 1000).toISOString();

describe('job percent, rate and ETA', () => {
  it('a fixed estimated total (invalidation): percent and ETA at the rate since start', () => {
    const p = jobProgress({ status: 'running', startedAt: iso(0), updatedAt: iso(10), estimate: { counter: 'selected', total: 4000, exact: false, basis: 'sampled' } }, { selected: 1000, scanned: 5000 });
    expect(p).toEqual({ measure: { counter: 'selected', done: 1000, total: 4000, exact: false, basis: 'sampled' }, percent: 25, ratePerSecond: 100, etaSeconds: 30 });
  });

  it('a total kept in another counter (analysis: DBSIZE recorded per cursor)', () => {
    const p = jobProgress({ status: 'running', startedAt: iso(0), updatedAt: iso(4), estimate: { counter: 'keysProbed', totalCounter: 'dbsize', exact: false, basis: 'DBSIZE' } }, { keysProbed: 300, dbsize: 1200 });
    expect([p.measure?.total, p.percent, p.etaSeconds]).toEqual([1200, 25, 12]);
  });

  it('never 100 % before success; 100 % and ETA 0 once succeeded even when the estimate was high', () => {
    const estimate = { counter: 'selected', total: 100, exact: false, basis: '' };
    expect(jobProgress({ status: 'running', startedAt: iso(0), updatedAt: iso(1), estimate }, { selected: 150 }).percent).toBe(99);
    expect(jobProgress({ status: 'succeeded', startedAt: iso(0), updatedAt: iso(2), finishedAt: iso(2), estimate }, { selected: 80 })).toMatchObject({ percent: 100, etaSeconds: 0, ratePerSecond: 40 });
  });

  it('no estimate, not started or nothing done: nothing made up', () => {
    expect(jobProgress({ status: 'running', startedAt: iso(0), updatedAt: iso(1) }, { selected: 5 })).toEqual({ measure: null, percent: null, ratePerSecond: null, etaSeconds: null });
    expect(jobProgress({ status: 'queued', updatedAt: iso(0), estimate: { counter: 'selected', total: 10, exact: false, basis: '' } }, {})).toMatchObject({ percent: 0, ratePerSecond: null, etaSeconds: null });
  });
});
