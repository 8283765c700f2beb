import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { DomainError } from '../../platform/store/DomainError';
import { formatRanges, toRanges } from '../../platform/topology/slotRanges';
import { findMaster, type ClusterLayout, type LayoutMaster } from './clusterLayout';
import type { MoveTuning, ReshardRequest } from './slotRequest';

/** One source→target pair of a plan. */
export interface PlannedPair {
  from: { id: string; address: string };
  to: { id: string; address: string };
  /** Slots in the order they move. */
  slots: number[];
  keys: number;
  estimatedBytes: number;
}

/** A risk the operator accepts by running the plan; `dataLoss` ones need admin + force. */
export interface PlanRisk {
  code: string;
  message: string;
  dataLoss: boolean;
}

/** What a dry run answers and a job runs. */
export interface SlotPlan {
  operation: 'reshard' | 'rebalance' | 'fix' | 'remove-node';
  pairs: PlannedPair[];
  slotCount: number;
  keys: number;
  estimatedBytes: number;
  /** Sampled keys at least `bigKeyBytes` big (MEMORY USAGE), with their slot; every key is measured again when moved. */
  bigKeys: { slot: number; key: string; bytes: number }[];
  sampledKeys: number;
  risks: PlanRisk[];
  /** Rough: per-slot round trips plus bytes at a paced rate, spread over the pairs in parallel. */
  expectedDurationSeconds: number;
  tuning: MoveTuning;
}

/** Slots per pair sampled with CLUSTER GETKEYSINSLOT + MEMORY USAGE to estimate bytes and find big keys. */
const SAMPLED_SLOTS = 64;
const KEYS_PER_SAMPLED_SLOT = 8;

/**
 * The slots a reshard moves, like `redis-cli --cluster reshard` (clusterManagerComputeReshardTable): a count is
 * taken from the sources in proportion to the slots each owns (largest first, first source rounded up), from
 * the start of each source's slots; explicit ranges move from whoever owns each slot.
 */
export function reshardPairs(layout: ClusterLayout, request: Pick<ReshardRequest, 'to' | 'from' | 'slots' | 'ranges'>): { target: LayoutMaster; moves: Map<LayoutMaster, number[]> } {
  const target = findMaster(layout, request.to, 'to');
  const moves = new Map<LayoutMaster, number[]>();
  if (request.ranges) {
    for (const [a, b] of request.ranges) {
      for (let slot = a; slot <= b; slot++) {
        const owner = layout.masters.find((m) => m.id === layout.ownerOf[slot]);
        if (!owner) throw new DomainError('validation', 'slot_not_covered', `ranges: slot ${slot} has no owner (use fix to assign it)`, [{ field: 'body.ranges', message: `slot ${slot} has no owner` }]);
        if (owner === target) continue;
        moves.set(owner, [...(moves.get(owner) ?? []), slot]);
      }
    }
    return { target, moves };
  }
  const sources = (request.from === 'all' ? layout.masters.filter((m) => m !== target && m.slots.length > 0) : request.from.map((ref, i) => findMaster(layout, ref, `from.${i}`)))
    .filter((m) => m !== target)
    .sort((a, b) => b.slots.length - a.slots.length);
  const total = sources.reduce((n, m) => n + m.slots.length, 0);
  const wanted = request.slots ?? 0;
  if (wanted > total) throw new DomainError('validation', 'not_enough_slots', `slots: the sources own ${total} slots, ${wanted} asked`, [{ field: 'body.slots', message: `the sources own ${total} slots` }]);
  let left = wanted;
  sources.forEach((source, i) => {
    const share = (wanted * source.slots.length) / total;
    const n = Math.min(left, source.slots.length, i === 0 ? Math.ceil(share) : Math.floor(share));
    if (n > 0) moves.set(source, source.slots.slice(0, n));
    left -= n;
  });
  // Rounding down may leave a few: take them from the sources with slots to spare, in order.
  for (const source of sources) {
    if (left === 0) break;
    const taken = moves.get(source) ?? [];
    const extra = source.slots.slice(taken.length, taken.length + left);
    if (extra.length > 0) moves.set(source, [...taken, ...extra]);
    left -= extra.length;
  }
  return { target, moves };
}

/**
 * Builds the plan of moving `moves` into `target`: keys per slot from CLUSTER COUNTKEYSINSLOT (exact, one pipeline
 * per source), bytes from MEMORY USAGE of up to 8 keys in each of up to 64 slots per pair, big keys among those,
 * and the risks: a target without replicas (moved data is not redundant until one syncs), memory headroom on the
 * target, big keys (each blocks both nodes while it is serialized).
 */
export async function buildPlan(
  connection: RedisConnection,
  operation: SlotPlan['operation'],
  pairsIn: { from: LayoutMaster; to: LayoutMaster; slots: number[] }[],
  tuning: MoveTuning,
): Promise<SlotPlan> {
  const bigKeys: SlotPlan['bigKeys'] = [];
  let sampledKeys = 0;
  const pairs = await Promise.all(
    pairsIn
      .filter((p) => p.slots.length > 0)
      .map(async ({ from, to, slots }): Promise<PlannedPair> => {
        const redis = await connection.node(from.address);
        const counts = await pipelineNumbers(redis, slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', String(s)]));
        const keys = counts.reduce((a, b) => a + b, 0);
        const sample = await sampleKeyBytes(redis, slots.filter((_, i) => (counts[i] ?? 0) > 0), tuning.bigKeyBytes);
        bigKeys.push(...sample.bigKeys);
        const { sampledBytes, sampled } = sample;
        sampledKeys += sampled;
        const estimatedBytes = sampled === 0 ? 0 : Math.round((sampledBytes / sampled) * keys);
        return { from: { id: from.id, address: from.addressKey }, to: { id: to.id, address: to.addressKey }, slots, keys, estimatedBytes };
      }),
  );
  const slotCount = pairs.reduce((n, p) => n + p.slots.length, 0);
  const keys = pairs.reduce((n, p) => n + p.keys, 0);
  const estimatedBytes = pairs.reduce((n, p) => n + p.estimatedBytes, 0);
  const risks: PlanRisk[] = [];
  for (const to of new Set(pairsIn.map((p) => p.to))) {
    const incoming = pairs.filter((p) => p.to.id === to.id).reduce((n, p) => n + p.estimatedBytes, 0);
    if (to.replicas === 0 && incoming > 0) risks.push({ code: 'target_without_replica', message: `${to.addressKey} has no replica: the keys moved there are not redundant until one is added`, dataLoss: false });
    if (to.maxmemory !== null && (to.usedMemory ?? 0) + incoming > to.maxmemory * 0.9) {
      risks.push({ code: 'target_memory', message: `${to.addressKey} would use ${(to.usedMemory ?? 0) + incoming} of ${to.maxmemory} bytes (maxmemory) after the move: it may evict or refuse writes (OOM)`, dataLoss: true });
    }
  }
  if (bigKeys.length > 0) risks.push({ code: 'big_keys', message: `${bigKeys.length} sampled key(s) ≥ ${tuning.bigKeyBytes} bytes: each moves alone and blocks source and target while it is serialized`, dataLoss: false });
  // ~3 round trips per slot plus the SETSLOT announcements, at a paced ~20 MB/s per pair.
  const parallel = Math.max(1, pairs.length) * tuning.slotConcurrency;
  const expectedDurationSeconds = Math.ceil(((slotCount * 3) / parallel + estimatedBytes / (20 * 1024 * 1024 * Math.max(1, pairs.length)) + (keys / Math.max(1, tuning.maxKeysPerBatch)) * 0.002) * 10) / 10;
  return { operation, pairs, slotCount, keys, estimatedBytes, bigKeys: bigKeys.slice(0, 100), sampledKeys, risks, expectedDurationSeconds, tuning };
}

/**
 * MEMORY USAGE of up to `keysPerSlot` keys (CLUSTER GETKEYSINSLOT) in each of up to `maxSlots` of `slotsWithKeys`,
 * spread evenly over them: the bytes and count sampled, and the sampled keys at least `bigKeyBytes` big.
 */
export async function sampleKeyBytes(
  redis: import('ioredis').Redis,
  slotsWithKeys: readonly number[],
  bigKeyBytes: number,
  maxSlots = SAMPLED_SLOTS,
  keysPerSlot = KEYS_PER_SAMPLED_SLOT,
): Promise<{ sampledBytes: number; sampled: number; bigKeys: SlotPlan['bigKeys'] }> {
  const bigKeys: SlotPlan['bigKeys'] = [];
  const step = Math.max(1, Math.floor(slotsWithKeys.length / maxSlots));
  const slots: number[] = [];
  for (let i = 0; i < slotsWithKeys.length; i += step) slots.push(slotsWithKeys[i] as number);
  // Two round trips for the whole sample: the key names of every candidate slot in one pipeline, then MEMORY USAGE of
  // the first `maxSlots × keysPerSlot` of them in one.
  const replies = (await slots.reduce((p, slot) => p.callBuffer('CLUSTER', 'GETKEYSINSLOT', String(slot), String(keysPerSlot)), redis.pipeline()).exec()) ?? [];
  let budget = maxSlots * keysPerSlot;
  const pages = replies.map(([error, names]) => {
    const page = error ? [] : (names as Buffer[]).slice(0, Math.max(0, budget));
    budget -= page.length;
    return page;
  });
  const sizes = await pipelineNumbers(redis, pages.flat().map((k) => ['MEMORY', 'USAGE', k]));
  let sampledBytes = 0;
  let sampled = 0;
  let offset = 0;
  pages.forEach((names, i) => {
    names.forEach((name, j) => {
      const bytes = sizes[offset + j] ?? 0;
      sampledBytes += bytes;
      sampled += 1;
      if (bytes >= bigKeyBytes) bigKeys.push({ slot: slots[i] as number, key: printable(name), bytes });
    });
    offset += names.length;
  });
  return { sampledBytes, sampled, bigKeys };
}

/** The plan as the API shows it (slots as ranges). */
export function planView(plan: SlotPlan): Record<string, unknown> {
  return { ...plan, pairs: plan.pairs.map((p) => ({ ...p, slots: formatRanges(toRanges(p.slots)), slotCount: p.slots.length })) };
}

/** Replies of `commands` as numbers (errors and nil as 0), pipelined 5000 at a time. */
export async function pipelineNumbers(redis: import('ioredis').Redis, commands: (string | Buffer)[][]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < commands.length; i += 5000) {
    const pipeline = redis.pipeline();
    for (const [name, ...args] of commands.slice(i, i + 5000)) pipeline.call(String(name), ...args);
    for (const [error, value] of (await pipeline.exec()) ?? []) out.push(error || value === null ? 0 : Number(value));
  }
  return out;
}

function printable(key: Buffer): string {
  const text = key.toString('utf8');
  return Buffer.from(text, 'utf8').equals(key) && !key.some((b) => b < 0x20) ? text : `base64:${key.toString('base64')}`;
}
