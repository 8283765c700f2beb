import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import type { MasterOps } from '../../platform/metrics/metricsHistoryTable';
import { DomainError } from '../../platform/store/DomainError';
import { balanceSlots, type Balance } from './balanceSlots';
import { findMaster, type ClusterLayout, type LayoutMaster } from './clusterLayout';
import { buildPlan, pipelineNumbers, sampleKeyBytes, type SlotPlan } from './planReshard';
import type { RebalanceRequest } from './rebalanceRequest';

/** What a rebalance plan adds to the slot plan: the balance before and after, and how each slot's load was found. */
export interface RebalanceSummary {
  weightBy: RebalanceRequest['weightBy'];
  thresholdPercent: number;
  unit: string;
  /** How the per-slot load was measured or estimated. */
  basis: string;
  total: number;
  spreadBefore: number | null;
  spreadAfter: number | null;
  withinThreshold: boolean;
  masters: Balance['masters'];
}

/** Slots of each master sampled for MEMORY USAGE when balancing by memory (8 keys each). */
const MEMORY_SAMPLED_SLOTS = 256;

/**
 * The rebalance plan: per-slot load by `weightBy` (`slots`: 1 each; `keys`: CLUSTER COUNTKEYSINSLOT, exact;
 * `memory`: keys × the master's sampled mean MEMORY USAGE, sampled big keys at their own size; `ops`: the master's
 * mean ops/s over the monitor's history, spread over its slots by keys), balanced by `balanceSlots`, then the same
 * plan a reshard gets (exact keys, sampled bytes, big keys, risks, duration) for the moves.
 * `opsHistory` answers the masters' ops/s (undefined = no history, refused with 409 `no_ops_history`).
 */
export async function planRebalance(
  connection: RedisConnection,
  layout: ClusterLayout,
  request: RebalanceRequest,
  tuning: SlotPlan['tuning'],
  opsHistory: () => Promise<{ rows: number; masters: Map<string, MasterOps>; windowMinutes: number }>,
): Promise<{ plan: SlotPlan; rebalance: RebalanceSummary }> {
  const weights = nodeWeights(layout, request.weights);
  const { loadOf, unit, basis } = await slotLoads(connection, layout, request, tuning.bigKeyBytes, opsHistory);
  const balance = balanceSlots(layout.masters, (m) => weights.get(m.id) ?? 1, loadOf, { thresholdPercent: request.threshold, integerTargets: request.weightBy === 'slots' });
  const plan = await buildPlan(connection, 'rebalance', balance.moves, tuning);
  return {
    plan,
    rebalance: { weightBy: request.weightBy, thresholdPercent: request.threshold, unit, basis, total: balance.total, spreadBefore: balance.spreadBefore, spreadAfter: balance.spreadAfter, withinThreshold: balance.withinThreshold, masters: balance.masters },
  };
}

/** Weights by master id (default 1); 400 `unknown_node` naming `weights.<ref>`, 400 when every weight is 0. */
function nodeWeights(layout: ClusterLayout, refs: Record<string, number> | undefined): Map<string, number> {
  const weights = new Map<string, number>();
  for (const [ref, weight] of Object.entries(refs ?? {})) weights.set(findMaster(layout, ref, `weights.${ref}`).id, weight);
  if (layout.masters.every((m) => (weights.get(m.id) ?? 1) === 0)) {
    throw new DomainError('validation', 'validation_failed', 'weights: every master has weight 0: nothing could own the slots', [{ field: 'body.weights', message: 'at least one master needs a weight above 0' }]);
  }
  return weights;
}

async function slotLoads(
  connection: RedisConnection,
  layout: ClusterLayout,
  request: RebalanceRequest,
  bigKeyBytes: number,
  opsHistory: () => Promise<{ rows: number; masters: Map<string, MasterOps>; windowMinutes: number }>,
): Promise<{ loadOf: (slot: number) => number; unit: string; basis: string }> {
  if (request.weightBy === 'slots') return { loadOf: () => 1, unit: 'slots', basis: 'slot count (as redis-cli --cluster rebalance)' };
  // Ops are read first: a cluster without history is refused before any Redis work.
  const ops = request.weightBy === 'ops' ? await opsPerMaster(layout, await opsHistory()) : undefined;
  const keys = new Float64Array(16384);
  const load = new Float64Array(16384);
  await Promise.all(
    layout.masters.map(async (master) => {
      if (master.slots.length === 0) return;
      const redis = await connection.node(master.address);
      const counts = await pipelineNumbers(redis, master.slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', String(s)]));
      master.slots.forEach((slot, i) => (keys[slot] = counts[i] ?? 0));
      const masterKeys = counts.reduce((a, b) => a + b, 0);
      if (request.weightBy === 'keys') {
        for (const slot of master.slots) load[slot] = keys[slot] as number;
      } else if (request.weightBy === 'memory') {
        const withKeys = master.slots.filter((s) => (keys[s] as number) > 0);
        const sample = await sampleKeyBytes(redis, withKeys, bigKeyBytes, MEMORY_SAMPLED_SLOTS);
        const mean = sample.sampled === 0 ? 0 : sample.sampledBytes / sample.sampled;
        for (const slot of master.slots) load[slot] = (keys[slot] as number) * mean;
        // A big key found by the sample counts at its own size, not at the mean.
        for (const big of sample.bigKeys) load[big.slot] = (load[big.slot] as number) + big.bytes - mean;
      } else {
        const perMaster = ops?.get(master.id) ?? 0;
        for (const slot of master.slots) load[slot] = masterKeys > 0 ? (perMaster * (keys[slot] as number)) / masterKeys : perMaster / master.slots.length;
      }
    }),
  );
  const loadOf = (slot: number): number => load[slot] as number;
  if (request.weightBy === 'keys') return { loadOf, unit: 'keys', basis: 'CLUSTER COUNTKEYSINSLOT of every slot (exact at planning time)' };
  if (request.weightBy === 'memory') return { loadOf, unit: 'bytes', basis: `estimate: keys per slot × each master's mean MEMORY USAGE over up to ${MEMORY_SAMPLED_SLOTS * 8} sampled keys; sampled big keys at their own size` };
  return { loadOf, unit: 'ops/s', basis: "estimate: each master's mean instantaneous ops/s over the monitor's history, spread over its slots in proportion to their keys (Redis does not count commands per slot)" };
}

/** Mean ops/s per master id; 409 `no_ops_history` when the history is empty or misses a master that owns slots. */
function opsPerMaster(layout: ClusterLayout, history: { rows: number; masters: Map<string, MasterOps>; windowMinutes: number }): Map<string, number> {
  const why = (detail: string): DomainError =>
    new DomainError(
      'conflict',
      'no_ops_history',
      `weightBy 'ops' needs the monitor's ops/s history of every master that owns slots, and ${detail} in the last ${history.windowMinutes} minute(s). ` +
        "Let the monitor timer collect this cluster for a few minutes (it stores a row per tick), widen opsWindowMinutes, or rebalance by 'keys', 'memory' or 'slots'.",
    );
  if (history.rows === 0) throw why('the cluster has no history rows');
  const missing = layout.masters.filter((m: LayoutMaster) => m.slots.length > 0 && !history.masters.has(m.id));
  if (missing.length > 0) throw why(`there is none for ${missing.map((m) => m.addressKey).join(', ')}`);
  return new Map([...history.masters].map(([id, m]) => [id, m.meanOpsPerSec]));
}
