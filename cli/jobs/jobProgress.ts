import type { JobView } from '../../shared/platform/jobs/JobService';

/** How far a job is, in one unit, as the bar shows it. */
export interface JobProgress {
  done: number;
  /** null when the job does not know its total (no bar, only counts and rate). */
  total: number | null;
  unit: string;
  /** The job's own ETA when it gives one (seconds). */
  etaSeconds: number | null;
}

/** What the command knew before the job started (e.g. the dry-run estimate of an invalidation). */
export interface ProgressHint {
  total?: number;
}

/** The counter that measures each kind's work, and its unit. */
const doneCounter: Record<string, { counter: string; unit: string }> = {
  invalidate: { counter: 'deleted', unit: 'keys' },
  'ttl-hygiene': { counter: 'scanned', unit: 'keys' },
  analysis: { counter: 'keysProbed', unit: 'keys' },
  warm: { counter: 'read', unit: 'records' },
  slots: { counter: 'slotsMoved', unit: 'slots' },
  nodes: { counter: 'steps', unit: 'steps' },
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** What the API adds to a job when the job knows its total (`measure`, `etaSeconds`; see docs/jobs.md). */
interface ReportedMeasure {
  counter?: string;
  done?: number;
  total?: number | null;
}

const units: Record<string, string> = { deleted: 'keys', selected: 'keys', scanned: 'keys', keysProbed: 'keys', read: 'records', written: 'keys', slotsMoved: 'slots', slotsRepaired: 'slots', steps: 'steps' };

/**
 * A job's progress: the job's own `measure` ({counter, done, total}) / `progress.total` and `etaSeconds` when it
 * reports them;
 * else the kind's counter against a total it keeps (analysis: `dbsize`) or the command's hint (the dry-run
 * estimate); else the share of its nodes that are done; else counts only.
 */
export function jobProgress(job: JobView, hint: ProgressHint = {}): JobProgress {
  const progress = measuredProgress(job, hint);
  // A succeeded job is done whatever its estimate said: the bar ends full, not at an estimate it undershot.
  return job.status === 'succeeded' && progress.total !== null ? { ...progress, total: progress.done } : progress;
}

function measuredProgress(job: JobView, hint: ProgressHint): JobProgress {
  const p = job.progress as Record<string, unknown>;
  const view = job as unknown as Record<string, unknown>;
  const measure = doneCounter[job.kind] ?? { counter: Object.keys(p).find((k) => k !== 'total' && k !== 'done') ?? 'done', unit: 'items' };
  const etaSeconds = num(view['etaSeconds']) ?? num(p['etaSeconds']);
  const m = view['measure'] as ReportedMeasure | null | undefined;
  if (m && num(m.total) !== null && (m.total ?? 0) > 0) {
    const done = num(m.done) ?? 0;
    return { done, total: Math.max(m.total ?? 0, done), unit: (m.counter && units[m.counter]) ?? measure.unit, etaSeconds };
  }
  const done = num(p['done']) ?? num(p[measure.counter]) ?? 0;
  const reported = num(p['total']);
  if (reported !== null && reported > 0) return { done, total: reported, unit: measure.unit, etaSeconds };
  if (job.kind === 'analysis' && num(p['dbsize'])) return { done, total: Math.max(num(p['dbsize']) ?? 0, done), unit: measure.unit, etaSeconds };
  if (hint.total !== undefined && hint.total > 0) return { done, total: Math.max(hint.total, done), unit: measure.unit, etaSeconds };
  if (job.nodes.length > 0 && job.status === 'running') {
    // Nodes finished of nodes known: coarse, but a real fraction rather than none.
    return { done: job.nodes.filter((n) => n.done).length, total: job.nodes.length, unit: 'nodes', etaSeconds };
  }
  return { done, total: null, unit: measure.unit, etaSeconds };
}
