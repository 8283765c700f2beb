/** What a warm did so far; the same shape in checkpoints, events and the job result. */
export interface WarmCounts {
  /** Keys written (SET / RESTORE accepted). */
  written: number;
  /** Keys left alone because Redis already held them (NX) or held a same-or-newer version. */
  skipped: number;
  /** Records that could not be written: malformed, oversized, outside the namespace, or refused by Redis. */
  failed: number;
  /** Value bytes written. */
  bytes: number;
  /** Records read from the source. */
  read: number;
  /**
   * Records whose outcome could not be counted after a takeover: found already present (NX / same version) where
   * the holder that died may have written them itself. The keys written are then between `written` and
   * `written + uncounted`; 0 when nothing was taken over mid-piece. Absent in older checkpoints (= 0).
   */
  uncounted?: number;
}

export const zeroCounts = (): WarmCounts => ({ written: 0, skipped: 0, failed: 0, bytes: 0, read: 0 });

export function addCounts(a: WarmCounts, b: WarmCounts): WarmCounts {
  const uncounted = (a.uncounted ?? 0) + (b.uncounted ?? 0);
  return { written: a.written + b.written, skipped: a.skipped + b.skipped, failed: a.failed + b.failed, bytes: a.bytes + b.bytes, read: a.read + b.read, ...(uncounted > 0 ? { uncounted } : {}) };
}

/** One record that failed, with where it came from (a line number for files and HTTP, a key for Redis sources). */
export interface WarmRecordError {
  line?: number;
  key?: string;
  code: string;
  message: string;
}

/** `a - b` (what was counted between two cumulative counts); `uncounted` is not part of an engine's counts. */
export function subtractCounts(a: WarmCounts, b: WarmCounts): WarmCounts {
  return { written: a.written - b.written, skipped: a.skipped - b.skipped, failed: a.failed - b.failed, bytes: a.bytes - b.bytes, read: a.read - b.read };
}
