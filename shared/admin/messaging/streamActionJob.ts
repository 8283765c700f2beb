import type { Cluster, Redis } from 'ioredis';
import type { ChunkOutcome, JobChunkContext, JobKind } from '../../platform/jobs/JobKind';
import type { CursorRecord } from '../../platform/jobs/JobRecord';
import { TokenBucket } from '../../platform/keyspace/TokenBucket';
import { withRedis } from '../../platform/redis/redisConnections';
import { delConsumerIfIdleScript } from './scripts/delConsumerIfIdle';
import { groupsBound, idBefore, nextStreamId } from './streamGroupBound';
import type { StreamActionParams } from './streamActionRequest';

type Client = Redis | Cluster;
type Params<A extends StreamActionParams['action']> = Extract<StreamActionParams, { action: A }>;

/**
 * Job kind `stream-action`: one action on one stream, resumable from its checkpoint.
 * - `claim`: `XAUTOCLAIM key group consumer min-idle cursor COUNT n JUSTID` paged (dry run: `XPENDING … IDLE`);
 *   `claimed` is exact unless a chunk ends between a call and its checkpoint (kill, lost lease, failed write: then
 *   that call's COUNT at most goes uncounted, once per such chunk; those entries are the consumer's by then and no
 *   longer idle).
 * - `trim`: batches of `XRANGE` + exact `XTRIM MINID`, each below the groups' bound (oldest pending or first
 *   undelivered entry of every group) unless forced; the stream is its own checkpoint, so a resumed job just goes on;
 *   `removed` counts XTRIM replies, each batch written ahead (its MINID and size) so that a holder killed or left
 *   behind by its lease between the XTRIM and its count leaves the next holder what it needs to count it exactly
 *   (`settleWriteAhead`; only another client deleting the same entries meanwhile can skew it).
 * - `remove-consumer`: one atomic script (`delConsumerIfIdle`): removed only with an empty pending list.
 */
export const streamActionJob: JobKind = {
  name: 'stream-action',
  async runChunk(ctx) {
    const p = ctx.job.params as unknown as StreamActionParams;
    const key = Buffer.from(p.keyBase64, 'base64');
    const record: CursorRecord = ctx.cursors[0] ? structuredClone(ctx.cursors[0]) : { id: 'stream', state: {}, counts: {}, done: false };
    const timeoutMs = Math.max(1000, ctx.deadline - Date.now()) + 15_000;
    return withRedis(
      ctx.cluster,
      async (connection) => {
        const client = await connection.client();
        if (p.action === 'claim') return claim(ctx, client, key, p, record);
        if (p.action === 'trim') return trim(ctx, client, key, p, record);
        return removeConsumer(ctx, client, key, p, record);
      },
      { timeoutMs },
    );
  },
};

async function claim(ctx: JobChunkContext, client: Client, key: Buffer, p: Params<'claim'>, record: CursorRecord): Promise<ChunkOutcome> {
  const bucket = new TokenBucket(p.entriesPerSecond);
  const counted = p.dryRun ? 'wouldClaim' : 'claimed';
  let start = String(record.state['start'] ?? '0-0');
  while (!ctx.shouldStop()) {
    const left = p.maxEntries - (record.counts[counted] ?? 0);
    const count = Math.min(p.count, left);
    if (count <= 0 || !(await bucket.take(count, ctx.deadline))) break;
    let ids: string[];
    let next: string;
    if (p.dryRun) {
      const entries = (await client.call('XPENDING', key, p.group, 'IDLE', p.minIdleMs, start, '+', count)) as [string, string, number, number][];
      ids = entries.map((e) => e[0]);
      next = entries.length < count || ids.length === 0 ? '0-0' : `(${ids.at(-1)}`;
    } else {
      const reply = (await client.call('XAUTOCLAIM', key, p.group, p.consumer, p.minIdleMs, start, 'COUNT', count, 'JUSTID')) as [string, string[], string[]?];
      ids = reply[1];
      next = String(reply[0]);
      // Redis 7: ids of pending entries that no longer exist in the stream (deleted or trimmed); dropped from the PEL.
      if (reply[2]?.length) record.counts['deletedFromPel'] = (record.counts['deletedFromPel'] ?? 0) + reply[2].length;
    }
    record.counts[counted] = (record.counts[counted] ?? 0) + ids.length;
    record.state = { start: next };
    record.done = next === '0-0' || (record.counts[counted] ?? 0) >= p.maxEntries;
    await ctx.checkpoint([record]);
    if (record.done) break;
    start = next;
  }
  return { done: record.done, result: { action: 'claim', dryRun: p.dryRun, group: p.group, consumer: p.consumer, minIdleMs: p.minIdleMs } };
}

async function trim(ctx: JobChunkContext, client: Client, key: Buffer, p: Params<'trim'>, record: CursorRecord): Promise<ChunkOutcome> {
  const bucket = new TokenBucket(p.entriesPerSecond);
  // Recomputed every chunk: acknowledgements only move the bound forward, so an older bound is never unsafe.
  const bound = p.force ? null : await groupsBound(client, key);
  const counted = p.dryRun ? 'wouldRemove' : 'removed';
  const pending = record.state['pending'] as TrimWriteAhead | undefined;
  if (pending) {
    record.counts[counted] = (record.counts[counted] ?? 0) + (await settleWriteAhead(client, key, pending, bound));
    record.state = {};
    await ctx.checkpoint([record]);
  }
  const length = Number(await client.call('XLEN', key));
  let toRemove = p.maxLen !== undefined ? Math.max(0, length - p.maxLen - (p.dryRun ? (record.counts[counted] ?? 0) : 0)) : Infinity;
  let after = String(record.state['after'] ?? '-');
  let limitedBy: string | null = null;
  while (!ctx.shouldStop() && toRemove > 0) {
    const n = Math.min(p.batch, toRemove);
    // Checked again after the wait: a holder stalled in it may be past its deadline (or its lease) by now.
    if (!(await bucket.take(n, ctx.deadline)) || ctx.shouldStop()) break;
    const entries = (await client.call('XRANGE', key, after, '+', 'COUNT', n)) as [string, unknown][];
    const ids = entries.map((e) => e[0]);
    const below = ids.filter((id) => (p.minId === undefined || idBefore(id, p.minId)) && (bound === null || idBefore(id, bound.id)));
    // Stopped by a group rather than by the request: say which one (its consumers still need those entries).
    if (bound && ids.some((id) => (p.minId === undefined || idBefore(id, p.minId)) && !idBefore(id, bound.id))) limitedBy = bound.group;
    if (below.length === 0) {
      record.done = true;
      break;
    }
    const last = below.at(-1) as string;
    let removed = below.length;
    if (p.dryRun) {
      after = `(${last}`;
      record.state = { after };
    } else {
      // Write-ahead: a holder that dies (or loses its lease) before this batch's count is durable leaves it to the next.
      const writeAhead: TrimWriteAhead = { minId: nextStreamId(last), entries: below.length };
      record.state = { pending: writeAhead };
      await ctx.checkpoint([record]);
      removed = Number(await client.call('XTRIM', key, 'MINID', writeAhead.minId));
      record.state = {};
    }
    record.counts[counted] = (record.counts[counted] ?? 0) + removed;
    toRemove -= removed;
    if (below.length < ids.length || ids.length < n) record.done = true;
    if (record.done) break;
    // A trim's count rides on the next batch's write-ahead (one write per batch); a dry run moves `after` with it.
    if (p.dryRun) await ctx.checkpoint([record]);
  }
  if (toRemove <= 0) record.done = true;
  await ctx.checkpoint([record]);
  return { done: record.done, result: { action: 'trim', dryRun: p.dryRun, forced: p.force, groupsBound: bound?.id ?? null, ...(limitedBy ? { limitedByGroup: limitedBy } : {}), lengthBefore: length } };
}

/** A trim batch about to be applied: `XTRIM MINID minId` of `entries` entries (all the stream held below `minId`). */
interface TrimWriteAhead {
  minId: string;
  entries: number;
}

/**
 * What a written-ahead batch removed, when its holder died or lost its lease before counting it. No entry below
 * `minId` can appear after the write-ahead (new ids are above the stream's last id), so the same `XTRIM MINID` again
 * tells which way it went, in one atomic command: a reply above 0 means the batch had not been applied and this call
 * removed what was left of it; 0 means it was applied, and removed the `entries` the write-ahead saw. Only another
 * client deleting those very entries (XDEL, its own trim, DEL of the stream) in between can make that `entries` high.
 * When a group moved back below `minId` since, the trim is not repeated: the first entry only tells whether it ran.
 */
async function settleWriteAhead(client: Client, key: Buffer, pending: TrimWriteAhead, bound: { id: string } | null): Promise<number> {
  if (bound === null || !idBefore(bound.id, pending.minId)) {
    const removed = Number(await client.call('XTRIM', key, 'MINID', pending.minId));
    return removed > 0 ? removed : pending.entries;
  }
  const first = (await client.call('XRANGE', key, '-', '+', 'COUNT', 1)) as [string, unknown][];
  return first[0] && idBefore(first[0][0], pending.minId) ? 0 : pending.entries;
}

async function removeConsumer(ctx: JobChunkContext, client: Client, key: Buffer, p: Params<'remove-consumer'>, record: CursorRecord): Promise<ChunkOutcome> {
  const [removed, pending] = (await client.eval(delConsumerIfIdleScript, 1, key, p.group, p.consumer, p.dryRun ? '1' : '0')) as [number, number];
  record.counts['removed'] = removed;
  record.counts['pending'] = Math.max(0, pending);
  record.done = true;
  await ctx.checkpoint([record]);
  if (pending === -1) return { status: 'failed', code: 'consumer_not_found', reason: `consumer '${p.consumer}' is not in group '${p.group}'` };
  if (pending > 0) return { status: 'failed', code: 'consumer_has_pending', reason: `consumer '${p.consumer}' holds ${pending} pending entries: claim them to another consumer first`, result: { pending } };
  return { done: true, result: { action: 'remove-consumer', dryRun: p.dryRun, wouldRemove: p.dryRun, removed: removed === 1 } };
}
