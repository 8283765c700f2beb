import { describe, expect, it } from 'vitest';
import { jobDurationSeconds, progressModel, type JobProgressView } from '../../../shared/monitoring/console/browser/progress';

const start = Date.parse('2026-12-01T08:00:00Z');
const iso = (s: number) => new Date(start + s * 1000).toISOString();

function job(over: Partial<JobProgressView>): JobProgressView {
  return { status: 'running', progress: {}, createdAt: iso(0), startedAt: iso(0), ...over };
}

describe('console progress bar model', () => {
  it('a running job with an estimated total: percentage, rate and ETA from the API', () => {
    const m = progressModel(job({ measure: { counter: 'selected', done: 2500, total: 10_000, exact: false, basis: 'sampled' }, ratePerSecond: 500, etaSeconds: 15 }), start + 5000);
    expect(m).toEqual({ percent: 25, label: '2500 of ≈ 10.0 k selected', rate: '500/s', eta: 'ETA 15 s', estimated: true });
  });

  it('never shows 100 % (nor more) before the job succeeded, whatever a low estimate says', () => {
    expect(progressModel(job({ measure: { counter: 'selected', done: 12_000, total: 10_000, exact: false, basis: '' } }), start + 1000).percent).toBe(99);
    const done = progressModel(job({ status: 'succeeded', finishedAt: iso(40), measure: { counter: 'selected', done: 9000, total: 10_000, exact: false, basis: '' } }), start + 60_000);
    expect([done.percent, done.eta]).toEqual([100, 'done in 40 s']);
  });

  it('computes rate and ETA itself when the API has none (older jobs)', () => {
    const m = progressModel(job({ measure: { counter: 'keysProbed', done: 1000, total: 4000, exact: true, basis: '' } }), start + 10_000);
    expect([m.rate, m.eta, m.estimated]).toEqual(['100/s', 'ETA 30 s', false]);
  });

  it('without a total the bar is indeterminate (no percent), and a cancelled job says so', () => {
    expect(progressModel(job({}), start).percent).toBeNull();
    const c = progressModel(job({ status: 'cancelled', finishedAt: iso(12), measure: { counter: 'selected', done: 50, total: 100, exact: false, basis: '' } }), start + 20_000);
    expect([c.percent, c.eta]).toEqual([50, 'cancelled in 12 s']);
  });

  it('durations of running and finished jobs', () => {
    expect(jobDurationSeconds({ startedAt: iso(0), finishedAt: iso(90) }, start + 500_000)).toBe(90);
    expect(jobDurationSeconds({ startedAt: iso(0) }, start + 30_000)).toBe(30);
    expect(jobDurationSeconds({}, start)).toBeNull();
  });
});
