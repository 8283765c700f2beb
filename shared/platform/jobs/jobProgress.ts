import type { Counts, JobEstimate, JobRecord } from './JobRecord';

export type { JobEstimate } from './JobRecord';

/** The progress the API shows next to the counts. */
export interface JobMeasure {
  counter: string;
  done: number;
  total: number | null;
  exact: boolean;
  basis: string;
}

export interface JobProgressFields {
  measure: JobMeasure | null;
  /** 0..100; 100 only once the job succeeded (a low estimate never shows a running job as complete). */
  percent: number | null;
  /** `counter` per second since the job started, at its last checkpoint. */
  ratePerSecond: number | null;
  /** Seconds left at that rate; 0 once finished; null without a total or a rate. */
  etaSeconds: number | null;
}

/** Percent, rate and ETA of a job from its estimate and summed counts (`progress`). */
export function jobProgress(job: Pick<JobRecord, 'status' | 'startedAt' | 'updatedAt' | 'finishedAt'> & { estimate?: JobEstimate }, progress: Counts): JobProgressFields {
  const estimate = job.estimate;
  if (!estimate) return { measure: null, percent: null, ratePerSecond: null, etaSeconds: null };
  const done = progress[estimate.counter] ?? 0;
  const total = estimate.total ?? (estimate.totalCounter !== undefined ? (progress[estimate.totalCounter] ?? null) : null);
  const measure: JobMeasure = { counter: estimate.counter, done, total, exact: estimate.exact, basis: estimate.basis };
  const finished = job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
  const started = job.startedAt ? Date.parse(job.startedAt) : null;
  const at = Date.parse(job.finishedAt ?? job.updatedAt);
  const seconds = started === null ? 0 : Math.max(0, (at - started) / 1000);
  const ratePerSecond = seconds > 0 && done > 0 ? done / seconds : null;
  let percent: number | null = null;
  if (job.status === 'succeeded') percent = 100;
  else if (total !== null && total > 0) percent = Math.min(99, Math.floor((done / total) * 100));
  let etaSeconds: number | null = null;
  if (finished) etaSeconds = 0;
  else if (total !== null && ratePerSecond !== null) etaSeconds = Math.round(Math.max(0, total - done) / ratePerSecond);
  return { measure, percent, ratePerSecond, etaSeconds };
}
