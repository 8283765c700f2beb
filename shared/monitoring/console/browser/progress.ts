import { formatCount, formatDuration } from './format';

/** The part of a job (`GET /api/jobs/{id}`) the progress bar reads. */
export interface JobProgressView {
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: Record<string, number>;
  startedAt?: string;
  finishedAt?: string;
  createdAt: string;
  /** What the job's percentage counts (added in 0.2.0; older jobs have none). */
  measure?: { counter: string; done: number; total: number | null; exact: boolean; basis: string } | null;
  percent?: number | null;
  ratePerSecond?: number | null;
  etaSeconds?: number | null;
}

/** What the console draws for one job: a determinate bar when a total is known, words otherwise. */
export interface ProgressModel {
  /** 0..100 (integer), null when the job has no total (indeterminate bar). */
  percent: number | null;
  /** "5334 of ≈ 5400 selected", "20000 keysProbed". */
  label: string;
  /** "1.2 k/s" or "–". */
  rate: string;
  /** "ETA 12 s", "done in 40 s", "" when unknown. */
  eta: string;
  /** True when the total is an estimate (the bar may end early or late; the label says ≈). */
  estimated: boolean;
}

const final = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The progress bar of a job. A succeeded job is 100 % whatever its estimate said; a running one never shows 100 %
 * before it is done (an estimate that was low would otherwise claim completion early), nor more than 100 %.
 */
export function progressModel(job: JobProgressView, now: number): ProgressModel {
  const measure = job.measure ?? null;
  const done = measure?.done ?? 0;
  const total = measure?.total ?? null;
  const estimated = measure !== null && total !== null && !measure.exact;
  let percent: number | null = null;
  if (job.status === 'succeeded') percent = 100;
  else if (total !== null && total > 0) percent = Math.min(99, Math.floor((done / total) * 100));
  else if (total === 0) percent = job.status === 'running' || job.status === 'queued' ? 0 : 100;
  if (percent !== null && final.has(job.status) && job.status !== 'succeeded') percent = Math.min(percent, 100);
  const counter = measure?.counter ?? 'keys';
  const label = measure === null ? job.status : total === null ? `${formatCount(done)} ${counter}` : `${formatCount(done)} of ${estimated ? '≈ ' : ''}${formatCount(total)} ${counter}`;
  const started = job.startedAt ? Date.parse(job.startedAt) : null;
  const ended = job.finishedAt ? Date.parse(job.finishedAt) : null;
  const rate = job.ratePerSecond ?? (started !== null && done > 0 ? done / Math.max(0.001, ((ended ?? now) - started) / 1000) : null);
  let eta = '';
  if (final.has(job.status)) {
    if (started !== null && ended !== null) eta = `${job.status === 'succeeded' ? 'done' : job.status} in ${formatDuration((ended - started) / 1000)}`;
  } else if (job.etaSeconds !== null && job.etaSeconds !== undefined) {
    eta = `ETA ${formatDuration(job.etaSeconds)}`;
  } else if (rate !== null && total !== null && rate > 0) {
    eta = `ETA ${formatDuration(Math.max(0, total - done) / rate)}`;
  }
  return { percent, label, rate: rate === null ? '–' : `${formatCount(rate)}/s`, eta, estimated };
}

/** Wall-clock duration of a finished (or running) job in seconds; null before it started. */
export function jobDurationSeconds(job: Pick<JobProgressView, 'startedAt' | 'finishedAt'>, now: number): number | null {
  if (!job.startedAt) return null;
  return Math.max(0, ((job.finishedAt ? Date.parse(job.finishedAt) : now) - Date.parse(job.startedAt)) / 1000);
}
