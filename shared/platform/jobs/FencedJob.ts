import { statusOf } from '../store/statusOf';
import { finalStatuses, type Counts, type CursorRecord, type JobRecord } from './JobRecord';
import type { JobStore } from './JobStore';
import { LeaseLostError } from './LeaseLostError';

/**
 * The job as its lease holder writes it. Every write is conditional on the ETag of the holder's last write; when
 * it fails, the row is re-read: still our lease (same owner and fencing token) → someone only asked to cancel, so
 * adopt that and write again; otherwise → `LeaseLostError`. Concurrent checkpoints (one per node) are merged into
 * one transaction (group commit), so N nodes cost one write, not N.
 */
export class FencedJob {
  private readonly cursors = new Map<string, CursorRecord>();
  private readonly dirty = new Map<string, CursorRecord>();
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private writing: Promise<void> | undefined;
  private lost: LeaseLostError | undefined;

  constructor(
    private readonly store: JobStore,
    private current: JobRecord,
    private etag: string,
    cursors: readonly CursorRecord[],
  ) {
    for (const c of cursors) this.cursors.set(c.id, c);
  }

  get job(): JobRecord {
    return this.current;
  }

  get cancelRequested(): boolean {
    return this.current.cancelRequested;
  }

  get leaseLost(): boolean {
    return this.lost !== undefined;
  }

  allCursors(): CursorRecord[] {
    return [...this.cursors.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Queues cursor rows and resolves once they (or a later state of them) are durable. */
  checkpoint(cursors: readonly CursorRecord[]): Promise<void> {
    if (this.lost) return Promise.reject(this.lost);
    // Nothing to write would queue a waiter no drain ever resolves: wait for what is being written instead.
    if (cursors.length === 0) return this.flush();
    for (const c of cursors) {
      const copy = structuredClone(c);
      this.cursors.set(c.id, copy);
      this.dirty.set(c.id, copy);
    }
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.drain();
    return done;
  }

  /** Waits for queued checkpoints. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
    if (this.lost) throw this.lost;
  }

  /** Changes the job row (and writes the given cursors with it), fenced. */
  async update(change: (job: JobRecord) => void, cursors: readonly CursorRecord[] = []): Promise<void> {
    for (;;) {
      const next = structuredClone(this.current);
      change(next);
      next.progress = sumCounts(this.allCursors());
      next.updatedAt = new Date().toISOString();
      try {
        this.etag = await this.store.write(next, this.etag, cursors);
        this.current = next;
        return;
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
        await this.adoptOrLose();
      }
    }
  }

  private async adoptOrLose(): Promise<void> {
    const fresh = await this.store.get(this.current.id);
    const ours = fresh && fresh.job.lease.owner === this.current.lease.owner && fresh.job.lease.token === this.current.lease.token && !finalStatuses.includes(fresh.job.status);
    if (!ours) {
      this.lost = new LeaseLostError(this.current.id, fresh ? `now ${fresh.job.status}, lease token ${fresh.job.lease.token}` : 'job deleted');
      throw this.lost;
    }
    this.current = { ...this.current, cancelRequested: fresh.job.cancelRequested };
    this.etag = fresh.etag;
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty.size > 0) {
        if (this.lost) {
          this.dirty.clear();
          for (const w of this.waiters.splice(0)) w.reject(this.lost);
          break;
        }
        const rows = [...this.dirty.values()];
        const waiters = this.waiters;
        this.dirty.clear();
        this.waiters = [];
        try {
          await this.update(() => undefined, rows);
          for (const w of waiters) w.resolve();
        } catch (error) {
          for (const w of waiters) w.reject(error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}

/** Counts summed over cursors (the job's progress). */
export function sumCounts(cursors: readonly { counts: Counts }[]): Counts {
  const total: Counts = {};
  for (const c of cursors) for (const [k, v] of Object.entries(c.counts)) total[k] = (total[k] ?? 0) + v;
  return total;
}
