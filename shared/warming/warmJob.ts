import { loadSettings } from '../platform/config/loadSettings';
import type { DomainEvent } from '../platform/events/catalogue';
import type { ChunkFailed, JobChunkContext, JobKind } from '../platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../platform/jobs/JobRecord';
import { jobSettings } from '../platform/jobs/jobSettings';
import { isLeaseLostError } from '../platform/jobs/LeaseLostError';
import { controlPlane } from '../platform/controlPlane';
import { DomainError } from '../platform/store/DomainError';
import { DryRunSink } from './DryRunSink';
import { storedVersionField } from './mapRecord';
import { openSourceReader } from './openSourceReader';
import { runWarmChunk } from './runWarmChunk';
import { addCounts, subtractCounts, zeroCounts, type WarmCounts, type WarmRecordError } from './WarmCounts';
import { isWarmFailure, WarmFailure } from './WarmFailure';
import { warmJobParamsSchema, type WarmCursorState, type WarmJobParams } from './warmJobParams';
import { WarmWriter, type WarmSink } from './WarmWriter';
import { writeTopology } from './writeTopology';
import type { TextPosition } from './sources/SourcePosition';
import type { WarmSourceReader } from './sources/WarmSourceReader';

const cursorId = 'source';
/** Checkpoint at least this often inside a chunk, so a crash replays little. @default 5000 */
const checkpointEveryMs = 5000;
/** Time kept back from the chunk budget for the final drain and checkpoint: 20 % of it, at most 2 s. */
const reserveShare = 0.2;
/**
 * Records one piece reads at most (it stops after the batch that reaches it). A piece's checkpoint is written while
 * the next piece runs (at most one in flight, so it is off the hot path), so a holder that dies can have written at
 * most two pieces (plus its last batch) past its last durable checkpoint; the next holder treats what it finds
 * already present in its first three pieces as uncounted, not as skipped. @default 20000
 */
const pieceMaxRecords = 20_000;
const replayPieces = 3;

/**
 * Job kind `warm`: runs the engine in bounded pieces within the job's chunk budget, checkpointing the source
 * position and counts after every piece (only acknowledged writes are ever checkpointed), records
 * `Warm.ChunkCompleted` per chunk and `Warm.Completed` (counts, first errors) when done. A `WarmFailure` (error
 * budget spent, source missing or unreachable after retries, refused URL...) fails the job in the chunk that hit it
 * (`{ status: 'failed' }`), with `Warm.Failed` recorded once before the final status; nothing half-written is
 * reported as success. Other errors (the cluster down) fail the chunk, which the sweeper retries.
 */
export const warmJob: JobKind = {
  name: 'warm',
  async runChunk(ctx: JobChunkContext) {
    const params = warmJobParamsSchema.parse(ctx.job.params);
    const previous = ctx.cursors.find((c) => c.id === cursorId);
    const state: WarmCursorState = (previous?.state as unknown as WarmCursorState | undefined) ?? { position: null, errors: [] };
    let counts = countsOf(previous);
    // Failed for good in a chunk that crashed before the job was marked failed: finish it (events again, at least once).
    if (state.failure) return failedForGood(ctx, params, state, counts);
    const cp = await controlPlane();
    let sink: WarmSink | undefined;
    const firstErrors = state.errors;
    let done = false;
    let limitReached = false;
    // Adds this chunk's counts (cumulative, as the engine reports them) to `counts`; set once the chunk runs.
    let advance = (chunk: WarmCounts) => void (counts = addCounts(counts, chunk));
    try {
      const source = await openSourceReader(ctx.cluster.id, params, cp);
      sink = params.dryRun ? new DryRunSink() : new WarmWriter(await writeTopology(ctx.cluster), { mode: params.plan.writeMode, versionField: storedVersionField(params.plan.mapping) });
      await sink.connect().catch((error: unknown) => {
        throw new DomainError('unavailable', 'redis_unavailable', `cannot write to cluster '${ctx.cluster.id}': ${(error as Error).message}`);
      });
      const reserveMs = Math.min(2000, (ctx.deadline - Date.now()) * reserveShare);
      const size = new SourceSize(source, previous, params.plan.maxKeys);
      await size.prepare((line) => ctx.log(line));
      const save = () => ctx.checkpoint([{ id: cursorId, state: { ...state } as unknown as Record<string, unknown>, counts: { ...counts, ...size.counts(counts.read, state.position, done, limitReached) }, done }]);
      // The previous holder died mid-piece: records it may have written come back as "already there" (NX).
      let inDoubtPieces = state.open && !params.dryRun ? replayPieces : 0;
      if (inDoubtPieces > 0) ctx.log(`resuming after a holder that died mid-piece: keys found present in the next ${replayPieces} pieces are counted as uncounted`);
      // This chunk's counts as far as they are in `counts`; each piece (and the end) adds what came after.
      let applied = zeroCounts();
      advance = (chunk: WarmCounts) => {
        const delta = subtractCounts(chunk, applied);
        applied = chunk;
        counts = addCounts(counts, inDoubtPieces > 0 ? { ...delta, skipped: 0, uncounted: delta.skipped } : delta);
        if (inDoubtPieces > 0) inDoubtPieces -= 1;
      };
      const left = ctx.deadline - Date.now() - reserveMs;
      if (left > 0 && !ctx.shouldStop()) {
        state.open = true; // write-ahead: from here on, writes may land that no checkpoint has counted yet
        // One run of the engine per chunk: the source is opened once and the pipeline stays full; every piece is
        // checkpointed once its writes are acknowledged, while the next ones are read and written. The write-ahead
        // checkpoint is stored while the source is opened, and before the first write.
        const result = await runWarmChunk({
          beforeFirstWrite: save,
          plan: params.plan,
          namespace: params,
          source,
          writer: sink,
          from: state.position,
          before: counts,
          maxMs: left,
          shouldStop: () => ctx.shouldStop(),
          pieces: {
            maxRecords: pieceMaxRecords,
            maxMs: checkpointEveryMs,
            onPiece: async (piece) => {
              advance(piece.counts);
              state.position = piece.position;
              state.errors = firstErrorsOf(firstErrors, piece.errors);
              await save();
            },
          },
        });
        advance(result.counts);
        state.position = result.position;
        state.errors = firstErrorsOf(firstErrors, sink.errors);
        done = result.done;
        limitReached = result.limitReached;
        state.open = false; // a clean end of chunk: every write so far is counted
        await save();
      }
    } catch (error) {
      if (isLeaseLostError(error)) throw error;
      const failure = isWarmFailure(error) ? error : finalAttempt(ctx) ? new WarmFailure('target_unavailable', (error as Error).message, true) : null;
      if (!failure) throw error;
      if (failure.counts) advance(failure.counts);
      // The job ends here (no resume): every record it reported failing is named, up to 20.
      if (sink) state.errors = firstErrorsOf(firstErrors, sink.errors);
      state.failure = { code: failure.code, message: failure.message.slice(0, 1000), retryable: failure.retryable };
      await ctx.checkpoint([{ id: cursorId, state: { ...state } as unknown as Record<string, unknown>, counts: { ...counts, ...sizeCountsOf(previous) }, done: false }]);
      ctx.log(`warm failed: ${failure.code}: ${failure.message}`);
      return failedForGood(ctx, params, state, counts);
    } finally {
      sink?.close();
    }
    await cp.streams.record(ctx.job.clusterId, { principal: ctx.job.createdBy, correlationId: ctx.job.id }, [
      {
        type: 'RedisClusterManager.Warm.ChunkCompleted',
        data: {
          clusterId: ctx.job.clusterId,
          namespace: params.namespace,
          jobId: ctx.job.id,
          chunk: ctx.job.chunks,
          keysWritten: counts.written,
          keysSkipped: counts.skipped,
          keysFailed: counts.failed,
          cursor: done ? null : JSON.stringify(state.position ?? null).slice(0, 1024),
        },
      },
    ]);
    return { done, result: { ...counts, limitReached, dryRun: params.dryRun } };
  },

  completionEvents(job: JobRecord, cursors: readonly CursorRecord[]): DomainEvent[] {
    const params = job.params as unknown as WarmJobParams;
    const cursor = cursors.find((c) => c.id === cursorId);
    const counts = countsOf(cursor);
    return [
      {
        type: 'RedisClusterManager.Warm.Completed',
        data: {
          clusterId: job.clusterId,
          namespace: params.namespace,
          jobId: job.id,
          keysWritten: counts.written,
          keysSkipped: counts.skipped,
          ...(counts.uncounted ? { keysUncounted: counts.uncounted } : {}),
          keysFailed: counts.failed,
          recordsRead: counts.read,
          bytesWritten: counts.bytes,
          durationMs: Math.max(0, Date.parse(job.finishedAt ?? new Date().toISOString()) - Date.parse(job.startedAt ?? job.createdAt)),
          dryRun: params.dryRun === true,
          limitReached: job.result?.['limitReached'] === true,
          errors: errorsForEvent(cursor?.state as unknown as WarmCursorState | undefined),
        },
      },
    ];
  },
};

/** The job fails in this chunk; `Warm.Failed` is recorded by the runner with `Job.Finished`, before the final status. */
function failedForGood(ctx: JobChunkContext, params: WarmJobParams, state: WarmCursorState, counts: WarmCounts): ChunkFailed {
  const failure = state.failure ?? { code: 'target_unavailable', message: 'unknown failure', retryable: true };
  return {
    status: 'failed',
    code: failure.code,
    reason: failure.message,
    result: { ...counts, dryRun: params.dryRun },
    events: [
      {
        type: 'RedisClusterManager.Warm.Failed',
        data: { clusterId: ctx.job.clusterId, namespace: params.namespace, jobId: ctx.job.id, error: { code: failure.code, message: failure.message }, retryable: failure.retryable, keysWritten: counts.written, keysFailed: counts.failed, errors: errorsForEvent(state) },
      },
    ],
  };
}

/**
 * Progress toward the end of the source, next to the exact counts (which it never changes). A file-like source (a
 * blob, an HTTP body with a length, a snapshot blob): `sourceBytes` (the size learned when it was opened),
 * `sourceBytesRead` (the checkpointed byte offset) and `recordsEstimated` = records read × sourceBytes /
 * sourceBytesRead. Another Redis: `sourceKeysEstimated` (asked once, at the job's first chunk, and kept in the
 * checkpoint) and `recordsEstimated` = that, at least what was read. Either is capped at `maxKeys`; the job's
 * percentage and ETA count `read` against `recordsEstimated`; once done, it is the records actually read.
 */
class SourceSize {
  private readonly last: Record<string, number>;
  constructor(
    private readonly source: WarmSourceReader,
    previous: CursorRecord | undefined,
    private readonly maxKeys: number | null,
  ) {
    this.last = sizeCountsOf(previous);
  }

  /** Asks a keyspace source for its estimate once per job; a failure leaves the job without a total, never fails it. */
  async prepare(log: (line: string) => void): Promise<void> {
    if (this.source.kind !== 'dump' || !this.source.estimateRecords || this.last['sourceKeysEstimated'] !== undefined) return;
    try {
      this.last['sourceKeysEstimated'] = await this.source.estimateRecords();
    } catch (error) {
      log(`no total for the progress bar: the source estimate failed (${(error as Error).message})`);
    }
  }

  counts(read: number, position: unknown, done: boolean, limitReached: boolean): Record<string, number> {
    const cap = (n: number) => (this.maxKeys !== null ? Math.min(n, this.maxKeys) : n);
    const keys = this.last['sourceKeysEstimated'];
    if (keys !== undefined) return { sourceKeysEstimated: keys, recordsEstimated: done ? read : Math.max(read, cap(keys)) };
    const size = this.source.sizeBytes?.() ?? this.last['sourceBytes'] ?? null;
    if (size === null) return {};
    const offset = (position as TextPosition | null)?.offset;
    const bytesRead = done && !limitReached ? size : (offset ?? this.last['sourceBytesRead'] ?? 0);
    let estimated = bytesRead > 0 ? cap(Math.round((read * size) / bytesRead)) : 0;
    if (done) estimated = read;
    this.last['sourceBytes'] = size;
    this.last['sourceBytesRead'] = bytesRead;
    return { sourceBytes: size, sourceBytesRead: bytesRead, ...(bytesRead > 0 || done ? { recordsEstimated: Math.max(read, estimated) } : {}) };
  }
}

function sizeCountsOf(cursor: CursorRecord | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of ['sourceBytes', 'sourceBytesRead', 'recordsEstimated', 'sourceKeysEstimated']) if (cursor?.counts[name] !== undefined) out[name] = cursor.counts[name];
  return out;
}

function countsOf(cursor: CursorRecord | undefined): WarmCounts {
  const c = cursor?.counts ?? {};
  const uncounted = c['uncounted'] ?? 0;
  return { written: c['written'] ?? 0, skipped: c['skipped'] ?? 0, failed: c['failed'] ?? 0, bytes: c['bytes'] ?? 0, read: c['read'] ?? 0, ...(uncounted > 0 ? { uncounted } : {}) };
}

/**
 * The first 20 failed records of the job: those of earlier chunks, then this chunk's, by line (Redis answers errors
 * after later records were rejected; a resumed read reports them in another order). A piece's checkpoint passes
 * only the errors of the records up to its position: those read ahead of it are read and reported again by a
 * resume from it, and would be named twice.
 */
function firstErrorsOf(earlier: WarmRecordError[], chunk: readonly WarmRecordError[]): WarmRecordError[] {
  const mine = [...chunk].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return [...earlier, ...mine].slice(0, 20);
}

function errorsForEvent(state: WarmCursorState | undefined) {
  return (state?.errors ?? []).slice(0, 20).map((e) => ({ ...e, message: e.message.slice(0, 512), ...(e.key ? { key: e.key.slice(0, 256) } : {}) }));
}

/** The machinery fails the job after this chunk: report the warm as failed now, with the cause. */
function finalAttempt(ctx: JobChunkContext): boolean {
  return ctx.job.failedChunks + 1 >= jobSettings(loadSettings()).maxFailedChunks;
}
