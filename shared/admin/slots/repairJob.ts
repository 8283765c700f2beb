import type { DomainEvent } from '../../platform/events/catalogue';
import type { ChunkOutcome, JobChunkContext } from '../../platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../platform/jobs/JobRecord';
import { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { collectSnapshot } from '../../platform/topology/collectSnapshot';
import { isReplica, parseClusterNodes, selfEntry } from '../../platform/topology/parseClusterNodes';
import { countSlots, formatRanges } from '../../platform/topology/slotRanges';
import { BusyKeyConflictError, migrateSlot, type ConnectedNode } from './migrateSlot';
import type { RepairStep } from './planRepairs';
import { claimSlots, settleSlot } from './settleSlot';
import type { MoveTuning } from './slotRequest';

/** What the repair steps of a fix job need from its parameters. */
export interface RepairParams {
  tuning: MoveTuning;
  repairs: RepairStep[];
}

interface RepairState {
  /** Steps before this index are done. */
  step: number;
  /** Within the current step, slots (in order) before this index are done. */
  slot: number;
  resumes: number;
}

const COUNTS = ['slotsRepaired', 'slotsMoved', 'keysMoved', 'bytesMoved', 'busyKeysResolved', 'slotsClaimed'] as const;
const CHECKPOINT_EVERY_MS = 500;

/**
 * The fix steps of a `slots` job, one slot at a time in plan order, each slot one idempotent step (`migrateSlot`
 * for a forward move, `settleSlot` otherwise), checkpointed at least every 500 ms. A kill -9 leaves at most the slot
 * in flight half done; the next chunk runs it again from the start, which finishes it. Cancel and the deadline stop
 * between slots, so no slot is left in the middle of a step.
 */
export async function runRepairChunk(ctx: JobChunkContext, params: RepairParams): Promise<ChunkOutcome> {
  const cursor: CursorRecord = ctx.cursors[0] ? { ...ctx.cursors[0], state: { ...ctx.cursors[0].state }, counts: { ...ctx.cursors[0].counts } } : { id: 'repairs', state: { step: 0, slot: 0, resumes: 0 } satisfies RepairState, counts: Object.fromEntries(COUNTS.map((k) => [k, 0])), done: false };
  if (ctx.cursors.length === 0) await ctx.checkpoint([cursor]);
  else (cursor.state as unknown as RepairState).resumes += 1;
  const timeoutMs = Math.max(1000, ctx.deadline - Date.now()) + 60_000;
  return withRedis(ctx.cluster, (connection) => runSteps(ctx, connection, params, cursor), { timeoutMs });
}

async function runSteps(ctx: JobChunkContext, connection: RedisConnection, params: RepairParams, cursor: CursorRecord): Promise<ChunkOutcome> {
  const state = cursor.state as unknown as RepairState;
  const snapshot = await collectSnapshot(connection);
  if (snapshot.mode !== 'cluster') throw new Error('the cache is not a Redis Cluster any more');
  const timeout = params.tuning.migrateTimeoutMs + 60_000;
  const masters = snapshot.nodes.filter((n) => n.reachable && n.view && n.id && selfEntry(n.view) && !isReplica(selfEntry(n.view) as never));
  const nodes: ConnectedNode[] = [];
  try {
    for (const m of masters) nodes.push({ id: m.id as string, address: m.address, redis: await connection.dedicatedNode(m.address, timeout) });
    const node = (id: string): ConnectedNode => {
      const found = nodes.find((n) => n.id === id);
      if (!found) throw new Error(`master ${id} of the plan is not a reachable master now`);
      return found;
    };
    const options = { ...params.tuning, authArgs: connection.nodeAuthArgs() };
    const guard = new LatencyGuard(params.tuning.latencyGuard, 1);
    // Uncovered slots first, all at once: until every slot has an owner, masters refuse MIGRATE (CLUSTERDOWN).
    const claims = params.repairs.filter((r) => r.kind === 'settle' && (r.problem === 'slots_not_covered' || r.problem === 'owner_down'));
    let claimed = 0;
    for (const ownerId of new Set(claims.map((r) => r.owner.id))) {
      const owner = node(ownerId);
      claimed += await claimSlots(claims.filter((r) => r.owner.id === ownerId).flatMap((r) => expandRanges(r.slots)), owner, nodes.filter((n) => n !== owner));
    }
    if (claimed > 0) await untilClusterOk(nodes, Math.min(ctx.deadline, Date.now() + 15_000));
    let lastCheckpoint = Date.now();
    const add = (k: string, n: number): void => {
      cursor.counts[k] = (cursor.counts[k] ?? 0) + n;
    };
    while (state.step < params.repairs.length) {
      const step = params.repairs[state.step] as RepairStep;
      const slots = expandRanges(step.slots);
      const owner = node(step.owner.id);
      // Uncovered slots no master held keys in are done once claimed above (claimSlots closed and announced them).
      if (step.kind === 'settle' && (step.problem === 'slots_not_covered' || step.problem === 'owner_down') && step.keysToMove === 0 && step.keys === 0) {
        add('slotsRepaired', slots.length - state.slot);
        state.slot = slots.length;
      }
      while (state.slot < slots.length) {
        if (ctx.shouldStop()) {
          await ctx.checkpoint([cursor]);
          return { done: false };
        }
        const slot = slots[state.slot] as number;
        try {
          if (step.kind === 'move' && step.from) {
            const source = node(step.from.id);
            const others = nodes.filter((n) => n !== source && n !== owner);
            await closeEmptyImporters(slot, others);
            const moved = await migrateSlot(slot, source, owner, others, options, { guard, deadline: ctx.deadline });
            add('slotsMoved', 1);
            add('keysMoved', moved.keysMoved);
            add('bytesMoved', moved.bytesMoved);
            add('busyKeysResolved', moved.busyKeysResolved);
          } else {
            const settled = await settleSlot(slot, owner, nodes.filter((n) => n !== owner), options, { guard, deadline: ctx.deadline });
            add('keysMoved', settled.keysMoved);
            add('bytesMoved', settled.bytesMoved);
            add('busyKeysResolved', settled.busyKeysResolved);
            if (settled.claimed) add('slotsClaimed', 1);
          }
        } catch (error) {
          if (error instanceof BusyKeyConflictError) {
            await ctx.checkpoint([cursor]);
            return {
              status: 'failed',
              code: 'busykey_conflict',
              reason: `${error.message}: nothing was overwritten or deleted and slot ${slot} is left open towards ${step.owner.address}; compare the keys (base64: ${error.keys.slice(0, 5).join(', ')}) on both nodes (ASKING on the node that does not own the slot), delete the copy to drop, then run POST …/slots/fix again.`,
            };
          }
          throw error;
        }
        add('slotsRepaired', 1);
        state.slot += 1;
        if (Date.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
          lastCheckpoint = Date.now();
          await ctx.checkpoint([cursor]);
        }
      }
      state.step += 1;
      state.slot = 0;
    }
    cursor.done = true;
    await ctx.checkpoint([cursor]);
    return { done: true, result: { slotsRepaired: cursor.counts['slotsRepaired'] ?? 0, keysMoved: cursor.counts['keysMoved'] ?? 0, steps: params.repairs.length } };
  } finally {
    await Promise.all(nodes.map((n) => n.redis.quit().catch(() => n.redis.disconnect())));
  }
}

/** Waits (bounded) until every master reports cluster_state:ok after uncovered slots were claimed. */
async function untilClusterOk(nodes: ConnectedNode[], deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const infos = await Promise.all(nodes.map((n) => n.redis.call('CLUSTER', 'INFO').then(String)));
    if (infos.every((i) => /cluster_state:ok/.test(i))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Importers of the slot that hold no key (redis-cli's case 3): closed before the move finishes it forward. */
async function closeEmptyImporters(slot: number, nodes: ConnectedNode[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      const replies = (await n.redis.pipeline().call('CLUSTER', 'NODES').call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)).exec()) ?? [];
      const self = selfEntry(parseClusterNodes(String(replies[0]?.[1] ?? '')));
      if (self?.importing.some((m) => m.slot === slot) && Number(replies[1]?.[1]) === 0) await n.redis.call('CLUSTER', 'SETSLOT', String(slot), 'STABLE');
    }),
  );
}

/** `Cluster.Fixed`: one event per repair step (at most 45, the rest summed into the last), for the audit log. */
export function repairEvents(job: JobRecord, cursors: readonly CursorRecord[], repairs: RepairStep[]): DomainEvent[] {
  const completedAt = new Date().toISOString();
  const resumed = cursors.some((c) => Number((c.state as unknown as RepairState).resumes) > 0);
  const shown = repairs.length > 45 ? repairs.slice(0, 44) : repairs;
  const events: DomainEvent[] = shown.map((step) => ({
    type: 'RedisClusterManager.Cluster.Fixed',
    data: {
      clusterId: job.clusterId,
      jobId: job.id,
      problem: step.problem,
      repair: step.kind,
      slots: formatRanges(step.slots).slice(0, 20_000),
      slotCount: countSlots(step.slots),
      owner: step.owner.id,
      ...(step.from ? { from: step.from.id } : {}),
      detail: step.detail.slice(0, 2000),
      plannedKeys: step.keys,
      plannedKeysToMove: step.keysToMove,
      forced: step.forced !== undefined,
      keysAtRisk: step.forced?.keysAtRisk ?? null,
      resumed,
      completedAt,
    },
  }));
  if (repairs.length > 45) {
    const rest = repairs.slice(44);
    events.push({
      type: 'RedisClusterManager.Cluster.Fixed',
      data: {
        clusterId: job.clusterId,
        jobId: job.id,
        problem: 'several',
        repair: 'several',
        slots: formatRanges(rest.flatMap((s) => s.slots)).slice(0, 20_000),
        slotCount: rest.reduce((n, s) => n + countSlots(s.slots), 0),
        owner: 'several',
        detail: `${rest.length} more repair steps (see the job's parameters)`,
        plannedKeys: rest.reduce((n, s) => n + s.keys, 0),
        plannedKeysToMove: rest.reduce((n, s) => n + s.keysToMove, 0),
        forced: rest.some((s) => s.forced !== undefined),
        keysAtRisk: null,
        resumed,
        completedAt,
      },
    });
  }
  return events;
}

function expandRanges(ranges: readonly [number, number][]): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) out.push(s);
  return out;
}
