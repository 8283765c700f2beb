import { keyPatternMatcher } from './keyPatternMatcher';
import { compileMapping, type MappingContext } from './mapRecord';
import { jsonArrayElements, JsonArrayFormatError } from './sources/jsonArrayElements';
import { ndjsonLines } from './sources/ndjsonLines';
import { isSourceError } from './sources/SourceError';
import { startOfText, type LineBatch, type TextPosition } from './sources/SourcePosition';
import type { DumpSourceReader, TextSourceReader, WarmSourceReader } from './sources/WarmSourceReader';
import { isWarmFailure, WarmFailure } from './WarmFailure';
import { addCounts, type WarmCounts, type WarmRecordError } from './WarmCounts';
import type { WarmPlan } from '../platform/registry/warmPlan';
import type { WarmSink } from './WarmWriter';

export interface WarmChunkInput {
  plan: WarmPlan;
  namespace: { keyPattern: string; ttlSeconds: number | null; ttlJitterPercent: number };
  source: WarmSourceReader;
  writer: WarmSink;
  /** Where the previous chunk stopped (null = the beginning). */
  from: unknown;
  /** Counts of the previous chunks (error budget and maxKeys are over the whole job). */
  before: WarmCounts;
  /** This chunk stops after this long (then drains and checkpoints). */
  maxMs: number;
  /**
   * It also stops after the batch in which it read this many records, so a crash leaves a known bound of records
   * that may have been written without being counted. @default no limit
   */
  maxRecords?: number;
  /** Also stops after the batch at which this says so (cancel, lease lost). */
  shouldStop?: () => boolean;
  /**
   * Checkpoint pieces inside the chunk, without stopping it: after every `maxRecords` records (or `maxMs`) the
   * writer is marked, and once every write up to the mark has its reply, `onPiece` gets this chunk's exact counts
   * up to there, the failed records among them the writer kept (none read after the mark) and the position to
   * resume from, while reading and writing go on (the source stays open and the pipeline full). Piece k + 2 does not start before piece k's `onPiece` finished, so at most two pieces (and a
   * batch) are ever written past the last finished `onPiece`. A failing `onPiece` fails the chunk.
   */
  pieces?: { maxRecords: number; maxMs: number; onPiece: (piece: { counts: WarmCounts; errors: WarmRecordError[]; position: unknown }) => Promise<void> };
  /**
   * Runs once before the chunk's first write (the caller's write-ahead checkpoint), at the same time as the source is
   * opened: the open's round trip is not added to the job's start. A failure fails the chunk before anything is
   * written (a source opened meanwhile is closed).
   */
  beforeFirstWrite?: () => Promise<void>;
  /** Attempts to (re)open an unreachable source, doubling from `retryBaseMs`. @default 4, 500 */
  retryAttempts?: number;
  retryBaseMs?: number;
  /** Test seams. @default Date.now, setTimeout, Math.random */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface WarmChunkResult {
  /** This chunk's counts (final: every write was acknowledged). */
  counts: WarmCounts;
  errors: WarmRecordError[];
  /** Resume here (null when done). */
  position: unknown;
  done: boolean;
  /** Stopped early because plan.maxKeys was reached. */
  limitReached: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One bounded chunk of a warm: reads the source from `from`, writes through `writer` with backpressure, honours the
 * rate limit, error budget and maxKeys, and stops at `maxMs`. It returns only after every write of the chunk was
 * acknowledged, so the returned position is safe to checkpoint: a crash before it replays at most this chunk
 * (and NX makes the replay a no-op). A source that cannot be read is retried with backoff, then a `WarmFailure`.
 */
export async function runWarmChunk(input: WarmChunkInput): Promise<WarmChunkResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const state = { position: input.from, done: false, limitReached: false, read: 0 };
  const { writer, plan } = input;
  const startCounts = { ...writer.counts };
  const startErrors = writer.errors.length;
  const chunkCounts = (): WarmCounts => ({
    written: writer.counts.written - startCounts.written,
    skipped: writer.counts.skipped - startCounts.skipped,
    failed: writer.counts.failed - startCounts.failed,
    bytes: writer.counts.bytes - startCounts.bytes,
    read: state.read,
  });
  const checkBudget = () => {
    const total = addCounts(input.before, chunkCounts());
    const ratioBreached = total.read >= 1000 && total.failed / total.read > plan.maxFailedRatio;
    if (total.failed > plan.maxFailed || ratioBreached) {
      const sample = writer.errors.slice(0, 5).map((e) => e.message).join('; ');
      throw new WarmFailure(
        'error_budget_exceeded',
        `${total.failed} of ${total.read} records failed (budget: ${plan.maxFailed} or ${plan.maxFailedRatio * 100} %)${sample ? `; first: ${sample}` : ''}`,
        false,
      );
    }
  };
  // The last piece handed to `onPiece` (resolved when it finished), and where the current piece began.
  let lastPiece: Promise<void> = Promise.resolve();
  let piece = { read: 0, at: started };
  const endPiece = async (pieces: NonNullable<WarmChunkInput['pieces']>) => {
    const position = state.position;
    const read = state.read;
    const settled = writer.mark().then((c) => ({ counts: { written: c.written - startCounts.written, skipped: c.skipped - startCounts.skipped, failed: c.failed - startCounts.failed, bytes: c.bytes - startCounts.bytes, read }, errors: c.errors.slice(startErrors) }));
    settled.catch(() => undefined);
    const previous = lastPiece;
    lastPiece = previous.then(() => settled).then(({ counts, errors }) => pieces.onPiece({ counts, errors, position }));
    lastPiece.catch(() => undefined);
    piece = { read, at: now() };
    await previous;
  };
  /** After each batch: budget, maxKeys, rate limit, time. Returns true to stop the chunk. */
  const afterBatch = async (): Promise<boolean> => {
    await writer.pump();
    checkBudget();
    if (plan.maxKeys !== null && input.before.read + state.read >= plan.maxKeys) {
      state.limitReached = true;
      return true;
    }
    if (plan.keysPerSecond !== null) {
      const ahead = (state.read / plan.keysPerSecond) * 1000 - (now() - started);
      if (ahead > 0) await (input.sleep ?? defaultSleep)(Math.min(ahead, 1000));
    }
    if (input.maxRecords !== undefined && state.read >= input.maxRecords) return true;
    // At least one record per chunk, so a chunk always makes progress even with a tiny budget.
    if (state.read > 0 && (now() - started >= input.maxMs || input.shouldStop?.() === true)) return true;
    const pieces = input.pieces;
    if (pieces && (state.read - piece.read >= pieces.maxRecords || now() - piece.at >= pieces.maxMs)) await endPiece(pieces);
    return false;
  };

  // Started once, by the first open (retries do not run it again).
  let writeAhead: Promise<void> | null = null;
  const beforeWrites = (): Promise<void> => (writeAhead ??= input.beforeFirstWrite ? input.beforeFirstWrite() : Promise.resolve());
  let attempt = 0;
  for (;;) {
    const before = state.read;
    try {
      const stop = input.source.kind === 'text' ? await textChunk(input, input.source, state, afterBatch, beforeWrites) : await dumpChunk(input, input.source, state, afterBatch, beforeWrites);
      await writer.drain();
      await lastPiece;
      checkBudget();
      const done = !stop || state.limitReached;
      return { counts: chunkCounts(), errors: [...writer.errors], position: done ? null : state.position, done, limitReached: state.limitReached };
    } catch (error) {
      if (isWarmFailure(error)) {
        // Writes in flight still land: wait for them so the failure reports what was written.
        await writer.drain().catch(() => undefined);
        await lastPiece.catch(() => undefined);
        error.counts ??= chunkCounts();
        throw error;
      }
      if (error instanceof JsonArrayFormatError) {
        await writer.drain().catch(() => undefined);
        await lastPiece.catch(() => undefined);
        const failure = new WarmFailure('source_malformed', `${input.source.describe}: ${error.message}`, false);
        failure.counts = chunkCounts();
        throw failure;
      }
      if (error instanceof WriteAheadFailed) throw error.cause;
      if (!isSourceError(error)) {
        // No checkpoint of a piece may land after the chunk gave up.
        await lastPiece.catch(() => undefined);
        throw error;
      }
      // The source failed (could not open, or broke mid-stream): keep what was acknowledged and retry from there.
      await writer.drain().catch(async (drainError: unknown) => {
        await lastPiece.catch(() => undefined);
        throw drainError;
      });
      if (state.read > before) attempt = 0;
      attempt += 1;
      if (attempt >= (input.retryAttempts ?? 4)) {
        await lastPiece.catch(() => undefined);
        const failure = new WarmFailure('source_unreachable', `${input.source.describe}: ${(error as Error).message} (gave up after ${attempt} attempts)`, true);
        failure.counts = chunkCounts();
        throw failure;
      }
      await (input.sleep ?? defaultSleep)((input.retryBaseMs ?? 500) * 2 ** (attempt - 1));
    }
  }
}

/** The `beforeFirstWrite` hook failed: the chunk fails with its error, never retried as a source error. */
class WriteAheadFailed extends Error {
  constructor(cause: unknown) {
    super('the write-ahead before the first write failed', { cause });
  }
}

/**
 * Opens the text source while `beforeWrites` runs; resolves once both are done. When the write-ahead fails, a
 * stream opened meanwhile is closed (its first chunk read, then returned, so the HTTP body is released).
 */
async function openWithWriteAhead(source: TextSourceReader, from: TextPosition, beforeWrites: () => Promise<void>): Promise<AsyncIterable<Buffer>> {
  const [opened, ahead] = await Promise.allSettled([source.open(from), beforeWrites()]);
  if (ahead.status === 'rejected') {
    if (opened.status === 'fulfilled') {
      const iterator = opened.value[Symbol.asyncIterator]();
      void iterator
        .next()
        .then(() => iterator.return?.(undefined))
        .catch(() => undefined);
    }
    throw new WriteAheadFailed(ahead.reason);
  }
  if (opened.status === 'rejected') throw opened.reason;
  return opened.value;
}

async function textChunk(input: WarmChunkInput, source: TextSourceReader, state: { position: unknown; read: number }, afterBatch: () => Promise<boolean>, beforeWrites: () => Promise<void>): Promise<boolean> {
  const { plan, writer } = input;
  if (!plan.mapping) throw new WarmFailure('plan_invalid', 'file and HTTP sources need a mapping', false);
  const ctx: MappingContext = {
    keyMatcher: keyPatternMatcher(input.namespace.keyPattern),
    keyPattern: input.namespace.keyPattern,
    ttlSeconds: input.namespace.ttlSeconds,
    ttlJitterPercent: input.namespace.ttlJitterPercent,
    maxValueBytes: plan.maxValueBytes,
    ...(input.random ? { random: input.random } : {}),
  };
  const map = compileMapping(plan.mapping, ctx);
  const from = (state.position as TextPosition | null) ?? startOfText;
  const stream = await openWithWriteAhead(source, from, beforeWrites);
  // Longest record buffered: the value limit plus room for the key and JSON around it.
  const maxRecordBytes = plan.maxValueBytes * 2 + 64 * 1024;
  const batches: AsyncGenerator<LineBatch> = source.format === 'ndjson' ? ndjsonLines(stream, from, maxRecordBytes) : jsonArrayElements(stream, from, maxRecordBytes);
  const limit = plan.maxKeys === null ? Infinity : plan.maxKeys - input.before.read;
  const tooLarge = (line: number) => {
    state.read += 1;
    writer.reject({ line, code: 'value_too_large', message: `line ${line}: record larger than ${maxRecordBytes} bytes` });
  };
  for await (const batch of batches) {
    // Skipped records are counted in line order among the others, so the first errors name the same lines whatever
    // the chunking of the stream (a resumed read sees other chunks).
    const tooLong = batch.tooLong;
    let next = 0;
    let taken = 0;
    for (const { buf, start, end, line } of batch.lines) {
      while (next < tooLong.length && (tooLong[next] as number) < line && state.read < limit) tooLarge(tooLong[next++] as number);
      if (state.read >= limit) break;
      state.read += 1;
      taken += 1;
      const mapped = map(buf, start, end, line);
      if (mapped.ok) writer.addValue(mapped.record);
      else writer.reject(mapped.error);
    }
    while (next < tooLong.length && state.read < limit) tooLarge(tooLong[next++] as number);
    state.position = taken < batch.lines.length || next < tooLong.length ? positionAfter(batch, taken) : batch.position;
    if (await afterBatch()) {
      await batches.return(undefined);
      return true;
    }
  }
  return false;
}

/** Position just after the `taken`-th line of a batch (maxKeys cut a batch short; the job ends there anyway). */
function positionAfter(batch: LineBatch, taken: number): TextPosition {
  const last = batch.lines[taken - 1];
  return { offset: batch.position.offset, line: last ? last.line : batch.position.line };
}

async function dumpChunk(input: WarmChunkInput, source: DumpSourceReader, state: { position: unknown; read: number }, afterBatch: () => Promise<boolean>, beforeWrites: () => Promise<void>): Promise<boolean> {
  const { writer } = input;
  await beforeWrites().catch((error: unknown) => {
    throw new WriteAheadFailed(error);
  });
  // Copied keys must land in the namespace too (a Redis source may be given a wider pattern).
  const inside = keyPatternMatcher(input.namespace.keyPattern);
  const batches = source.read(state.position ?? null)[Symbol.asyncIterator]();
  for (;;) {
    const next = await batches.next();
    if (next.done) return false;
    const batch = next.value;
    for (const record of batch.records) {
      state.read += 1;
      const key = record.key.toString('utf8');
      if (inside.test(key)) writer.addDump(record);
      else writer.reject({ key: key.slice(0, 200), code: 'key_outside_namespace', message: `key '${key.slice(0, 100)}' does not match the namespace pattern '${input.namespace.keyPattern}'` });
    }
    state.position = batch.position;
    if (await afterBatch()) {
      await batches.return?.(undefined);
      return true;
    }
  }
}
