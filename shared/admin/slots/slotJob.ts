import type { Redis } from 'ioredis';
import type { DomainEvent } from '../../platform/events/catalogue';
import type { ChunkOutcome, JobChunkContext, JobKind } from '../../platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../platform/jobs/JobRecord';
import { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { formatRanges } from '../../platform/topology/slotRanges';
import { isSlotViewRefusal } from './checkSlotViews';
import { readClusterLayout, type ClusterLayout } from './clusterLayout';
import { forgetNode, nodeRemovedEvent, type ForgetParams } from './forgetNode';
import { BusyKeyConflictError, migrateSlots, type ConnectedNode } from './migrateSlot';
import type { RepairStep } from './planRepairs';
import { repairEvents, runRepairChunk } from './repairJob';
import type { MoveTuning } from './slotRequest';

/** What a slot job runs: the plan's pairs, frozen when the job was created (a resume never re-plans). */
export interface SlotJobParams {
  operation: 'reshard' | 'rebalance' | 'fix' | 'remove-node';
  tuning: MoveTuning;
  pairs: { from: { id: string; address: string }; to: { id: string; address: string }; slots: [number, number][] }[];
  /** remove-node: the node CLUSTER FORGET removes once it owns no slot (`forgetNode.ts`). */
  forget?: ForgetParams;
  /** fix: the repair steps (`planRepairs.ts`), run by `repairJob.ts` instead of pairs. */
  repairs?: RepairStep[];
}

interface PairState {
  pair: number;
  /** Slots before this index (in the pair's order) are moved and announced. */
  next: number;
  /** Chunks that found this pair half done (a crash or a timeout). */
  resumes: number;
}

const COUNTS = ['slotsMoved', 'keysMoved', 'bytesMoved', 'bigKeys', 'busyKeysResolved'] as const;
/** How often a pair's progress is made durable while it moves slots. */
const CHECKPOINT_EVERY_MS = 500;

/**
 * Job kind `slots`: moves the planned slots pair by pair (every pair in parallel, `slotConcurrency` steps at a time
 * within one), each step of `slotsPerStep` slots by the idempotent `migrateSlots`, and checkpoints after steps
 * complete. A kill -9 anywhere leaves at most the in-flight steps' slots half moved (open on both ends, every key on exactly one node); the next chunk
 * runs them again from the start, which finishes them. Cancel and the chunk deadline stop *between* slots: a slot
 * that started is finished first, so every slot is STABLE when the job stops.
 */
export const slotJob: JobKind = {
  name: 'slots',
  async runChunk(ctx) {
    const params = ctx.job.params as unknown as SlotJobParams;
    if (params.repairs) return runRepairChunk(ctx, { ...params, repairs: params.repairs });
    const cursors: CursorRecord[] = ctx.cursors.length > 0 ? ctx.cursors.map((c) => ({ ...c, state: { ...c.state }, counts: { ...c.counts } })) : params.pairs.map((_, i) => ({ id: `pair-${i}`, state: { pair: i, next: 0, resumes: 0 } satisfies PairState, counts: Object.fromEntries(COUNTS.map((k) => [k, 0])), done: false }));
    if (ctx.cursors.length === 0) await ctx.checkpoint(cursors);
    const timeoutMs = Math.max(1000, ctx.deadline - Date.now()) + 60_000;
    return withRedis(ctx.cluster, (connection) => runPairs(ctx, connection, params, cursors), { timeoutMs });
  },
  completionEvents(job: JobRecord, cursors: readonly CursorRecord[]): DomainEvent[] {
    const params = job.params as unknown as SlotJobParams;
    if (params.repairs) return repairEvents(job, cursors, params.repairs);
    const sum = (k: string): number => cursors.reduce((n, c) => n + (c.counts[k] ?? 0), 0);
    const removed = params.forget ? [nodeRemovedEvent(job, params.forget, sum('slotsMoved'))] : [];
    // remove-node of an empty node moves nothing: only NodeRemoved.
    if (params.forget && params.pairs.length === 0) return removed;
    return [
      {
        type: 'RedisClusterManager.Cluster.Resharded',
        data: {
          clusterId: job.clusterId,
          jobId: job.id,
          operation: params.operation,
          slotsMoved: sum('slotsMoved'),
          keysMoved: sum('keysMoved'),
          keysInMovedSlots: Number(job.result?.['keysInMovedSlots'] ?? 0),
          bytesMoved: sum('bytesMoved'),
          bigKeys: sum('bigKeys'),
          busyKeysResolved: sum('busyKeysResolved'),
          resumed: cursors.some((c) => Number((c.state as unknown as PairState).resumes) > 0),
          durationMs: Math.max(0, Date.now() - Date.parse(job.startedAt ?? job.createdAt)),
          completedAt: new Date().toISOString(),
          pairs: params.pairs.map((p, i) => ({
            from: p.from.id,
            to: p.to.id,
            slots: formatRanges(p.slots),
            slotCount: expand(p.slots).length,
            keysMoved: cursors.find((c) => c.id === `pair-${i}`)?.counts['keysMoved'] ?? 0,
          })),
        },
      },
      ...removed,
    ];
  },
};

async function runPairs(ctx: JobChunkContext, connection: RedisConnection, params: SlotJobParams, cursors: CursorRecord[]): Promise<ChunkOutcome> {
  // Node ids are what the plan names; addresses are looked up again (a node may have moved, e.g. a restart).
  let layout: ClusterLayout;
  try {
    // Every chunk (a resume after a crash included) compares every node's view first; only the plan's own slots may be
    // open or seen with either owner of their pair.
    layout = await readClusterLayout(connection, { ownMoves: ownMovesOf(params), ...(params.forget ? { removing: params.forget.id } : {}) });
  } catch (error) {
    if (!isSlotViewRefusal(error)) throw error;
    const moved = cursors.reduce((n, c) => n + (c.counts['slotsMoved'] ?? 0), 0);
    const planned = params.pairs.reduce((n, p) => n + expand(p.slots).length, 0);
    return {
      status: 'failed',
      code: error.code,
      reason: `${error.message}. The job stopped before moving another slot (${moved} of ${planned} moved); a slot of its own left half moved stays open for fix to finish. Repair the cluster, then plan the rest again.`,
    };
  }
  const opened = new Map<string, Promise<ConnectedNode>>();
  const timeout = params.tuning.migrateTimeoutMs + 60_000;
  const open = (id: string): Promise<ConnectedNode> => {
    let node = opened.get(id);
    if (!node) {
      const master = layout.masters.find((m) => m.id === id);
      if (!master) throw new Error(`master ${id} of the plan is not a reachable master any more`);
      node = connection.dedicatedNode(master.address, timeout).then((redis: Redis) => ({ id, address: master.address, redis }));
      opened.set(id, node);
    }
    return node;
  };
  const authArgs = connection.nodeAuthArgs();
  try {
    const all = await Promise.all(layout.masters.map((m) => open(m.id)));
    const outcomes = await Promise.all(
      cursors.map(async (cursor): Promise<ChunkOutcome | undefined> => {
        if (cursor.done) return undefined;
        const state = cursor.state as unknown as PairState;
        const pair = params.pairs[state.pair];
        if (!pair) throw new Error(`cursor ${cursor.id} names pair ${state.pair}, which the plan does not have`);
        const slots = expand(pair.slots);
        // A later chunk finding the pair unfinished: a continuation after the deadline, or a resume after a crash.
        if (ctx.job.chunks > 1) state.resumes += 1;
        // A source drained of its last slot turns into a replica of the new owner (Redis 7, replica migration), so it
        // is no master any more: if the target owns every slot left in the pair, a crash only hid that it finished.
        if (!layout.masters.some((m) => m.id === pair.from.id) && slots.slice(state.next).every((s) => layout.ownerOf[s] === pair.to.id)) {
          state.next = slots.length;
          cursor.counts['slotsMoved'] = state.next;
          cursor.done = true;
          await ctx.checkpoint([{ ...cursor, state: { ...state }, counts: { ...cursor.counts } }]);
          return undefined;
        }
        const [source, target] = await Promise.all([open(pair.from.id), open(pair.to.id)]);
        const others = all.filter((n) => n.id !== source.id && n.id !== target.id);
        const guard = new LatencyGuard(params.tuning.latencyGuard, 1);
        const probe = guard.enabled ? await connection.dedicatedNode(source.address, timeout) : undefined;
        const completed = new Set<number>();
        // Jobs created before slotsPerStep existed moved one slot per step.
        const slotsPerStep = params.tuning.slotsPerStep ?? 1;
        let nextToStart = state.next;
        let lastCheckpoint = Date.now();
        let failure: ChunkOutcome | undefined;
        const worker = async (): Promise<void> => {
          while (failure === undefined && !ctx.shouldStop() && nextToStart < slots.length) {
            // A group of slots per step: its SETSLOTs and key fetches are pipelined, its keys share MIGRATE batches.
            const group = Array.from({ length: Math.min(slotsPerStep, slots.length - nextToStart) }, (_, i) => nextToStart + i);
            nextToStart += group.length;
            try {
              const moved = await migrateSlots(group.map((i) => slots[i] as number), source, target, others, { ...params.tuning, authArgs }, { guard, deadline: ctx.deadline, ...(probe ? { probe } : {}) });
              cursor.counts['keysMoved'] = (cursor.counts['keysMoved'] ?? 0) + moved.keysMoved;
              cursor.counts['bytesMoved'] = (cursor.counts['bytesMoved'] ?? 0) + moved.bytesMoved;
              cursor.counts['bigKeys'] = (cursor.counts['bigKeys'] ?? 0) + moved.bigKeys;
              cursor.counts['busyKeysResolved'] = (cursor.counts['busyKeysResolved'] ?? 0) + moved.busyKeysResolved;
            } catch (error) {
              if (error instanceof BusyKeyConflictError) {
                failure = busyKeyFailure(error, source, target);
                return;
              }
              throw error;
            }
            for (const index of group) completed.add(index);
            while (completed.has(state.next)) completed.delete(state.next++);
            // Exact: the slots before `next` are moved. A group that finished ahead of one still in flight is not
            // counted until the gap closes, because a crash before then redoes it (it was counted twice: 5494 of 5462).
            cursor.counts['slotsMoved'] = state.next;
            if (Date.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
              lastCheckpoint = Date.now();
              await ctx.checkpoint([{ ...cursor, state: { ...state }, counts: { ...cursor.counts } }]);
            }
          }
        };
        await Promise.all(Array.from({ length: params.tuning.slotConcurrency }, worker)).finally(() => probe?.disconnect());
        // Slots that finished after one still in flight are redone next time (idempotent: "already the owner").
        if (state.next >= slots.length) cursor.done = true;
        await ctx.checkpoint([{ ...cursor, state: { ...state }, counts: { ...cursor.counts } }]);
        return failure;
      }),
    );
    const failed = outcomes.find((o) => o !== undefined);
    if (failed) return failed;
    const done = cursors.every((c) => c.done);
    if (!done) return { done: false };
    if (params.forget) {
      const failed = await forgetNode(connection, params.forget, ctx.log);
      if (failed) return failed;
    }
    const keysInMovedSlots = await countMovedKeys(params, all);
    return { done: true, result: { keysInMovedSlots, slotsMoved: cursors.reduce((n, c) => n + (c.counts['slotsMoved'] ?? 0), 0), guardBackoffs: 0 } };
  } finally {
    await Promise.all([...opened.values()].map((p) => p.then((n) => n.redis.quit().catch(() => n.redis.disconnect())).catch(() => undefined)));
  }
}

/** Every slot of the plan with its pair's source and target ids. */
function ownMovesOf(params: SlotJobParams): Map<number, { from: string; to: string }> {
  const own = new Map<number, { from: string; to: string }>();
  for (const pair of params.pairs) for (const slot of expand(pair.slots)) own.set(slot, { from: pair.from.id, to: pair.to.id });
  return own;
}

/** CLUSTER COUNTKEYSINSLOT of every moved slot on its new owner (exact at the end of the job). */
async function countMovedKeys(params: SlotJobParams, nodes: ConnectedNode[]): Promise<number> {
  let total = 0;
  for (const pair of params.pairs) {
    const target = nodes.find((n) => n.id === pair.to.id);
    if (!target) continue;
    const pipeline = target.redis.pipeline();
    for (const slot of expand(pair.slots)) pipeline.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot));
    for (const [error, value] of (await pipeline.exec()) ?? []) total += error ? 0 : Number(value);
  }
  return total;
}

function busyKeyFailure(error: BusyKeyConflictError, source: ConnectedNode, target: ConnectedNode): ChunkOutcome {
  return {
    status: 'failed',
    code: 'busykey_conflict',
    reason:
      `${error.message}: nothing was overwritten and slot${error.slots.length > 1 ? 's' : ''} ${error.slots.join(', ')} ${error.slots.length > 1 ? 'are' : 'is'} left open (MIGRATING on ${source.address.host}:${source.address.port}, IMPORTING on ${target.address.host}:${target.address.port}); ` +
      `compare the keys (base64: ${error.keys.slice(0, 5).join(', ')}) on both nodes, delete the copy to drop (on the target with ASKING), then run POST …/slots/fix to finish the slot.`,
  };
}

/** Inclusive ranges → slots. */
export function expand(ranges: readonly [number, number][]): number[] {
  const slots: number[] = [];
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) slots.push(s);
  return slots;
}
