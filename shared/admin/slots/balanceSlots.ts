import type { LayoutMaster } from './clusterLayout';

/** One master's place in a rebalance: its weight, the load it should carry and what it carries before and after. */
export interface BalanceRow {
  id: string;
  address: string;
  /** Relative share (redis-cli's `--cluster-weight`); 0 = drain it. */
  weight: number;
  /** Its weighted share of the total load. */
  target: number;
  before: number;
  after: number;
  /** |before − target| / target × 100; null for a master of weight 0. */
  offByPercentBefore: number | null;
  offByPercentAfter: number | null;
  slotsBefore: number;
  slotsAfter: number;
}

/** The moves that bring every master to its weighted share, and the spread they leave. */
export interface Balance {
  moves: { from: LayoutMaster; to: LayoutMaster; slots: number[] }[];
  masters: BalanceRow[];
  total: number;
  /** Largest load / target over the masters of weight > 0 (equal weights: max/mean); null when nothing is loaded. */
  spreadBefore: number | null;
  spreadAfter: number | null;
  /** True when no master was off by more than the threshold: no move is planned. */
  withinThreshold: boolean;
}

/**
 * Plans a rebalance like `redis-cli --cluster rebalance` (clusterManagerCommandRebalance), generalised from slot
 * counts to any per-slot load (keys, bytes, ops/s). Each master's target is its weight's share of the total load;
 * when no master is off its target by more than `thresholdPercent`, nothing moves (redis-cli's
 * `--cluster-threshold`, default 2). Otherwise sources (largest excess first) give slots, from the start of their
 * slots, to sinks (largest deficit first, one filled before the next): a slot moves only when that brings both its
 * source and its sink closer to their targets (its load is under twice the source's excess and the sink's deficit),
 * so a slot heavier than what is left to balance stays put. Slots without load are not moved unless slots are the
 * load (`integerTargets`: targets rounded to whole slots by largest remainder, so the plan is exact). Pure.
 */
export function balanceSlots(
  masters: readonly LayoutMaster[],
  weightOf: (master: LayoutMaster) => number,
  loadOf: (slot: number) => number,
  options: { thresholdPercent: number; integerTargets: boolean },
): Balance {
  const weights = masters.map(weightOf);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const before = masters.map((m) => m.slots.reduce((sum, s) => sum + loadOf(s), 0));
  const total = before.reduce((a, b) => a + b, 0);
  const targets = shares(total, weights, totalWeight, options.integerTargets);
  const offBy = (load: number, i: number): number | null => {
    const target = targets[i] as number;
    if ((weights[i] as number) === 0) return null;
    return target === 0 ? (load === 0 ? 0 : 100) : (Math.abs(load - target) / target) * 100;
  };
  const needsMove = masters.some((_, i) => {
    const off = offBy(before[i] as number, i);
    // A master of weight 0 is drained: every slot it owns leaves, loaded or not.
    return off === null ? (masters[i] as LayoutMaster).slots.length > 0 : off > options.thresholdPercent;
  });
  const after = [...before];
  const slotsAfter = masters.map((m) => m.slots.length);
  const moves = new Map<string, { from: LayoutMaster; to: LayoutMaster; slots: number[] }>();
  const drainTo = (): number | undefined => {
    let best: number | undefined;
    masters.forEach((_, i) => {
      if ((weights[i] as number) > 0 && (best === undefined || (targets[i] as number) - (after[i] as number) > (targets[best] as number) - (after[best] as number))) best = i;
    });
    return best;
  };
  if (needsMove && totalWeight > 0) {
    const excess = masters.map((_, i) => (before[i] as number) - (targets[i] as number));
    const drained = (i: number): boolean => (weights[i] as number) === 0;
    const sources = masters.map((_, i) => i).filter((i) => (excess[i] as number) > 0 || (drained(i) && (masters[i] as LayoutMaster).slots.length > 0)).sort((a, b) => (excess[b] as number) - (excess[a] as number));
    const sinks = masters.map((_, i) => i).filter((i) => (excess[i] as number) < 0).sort((a, b) => (excess[a] as number) - (excess[b] as number));
    for (const s of sources) {
      const source = masters[s] as LayoutMaster;
      for (const slot of source.slots) {
        const left = excess[s] as number;
        const load = loadOf(slot);
        let t: number | undefined;
        if (drained(s)) {
          t = sinks.find((i) => load > 0 && load < 2 * -(excess[i] as number)) ?? drainTo();
        } else {
          if (left <= 0) break;
          if (load <= 0 && !options.integerTargets) continue;
          if (!(load < 2 * left)) continue;
          t = sinks.find((i) => load < 2 * -(excess[i] as number));
        }
        if (t === undefined) continue;
        const target = masters[t] as LayoutMaster;
        excess[s] = left - load;
        excess[t] = (excess[t] as number) + load;
        after[s] = (after[s] as number) - load;
        after[t] = (after[t] as number) + load;
        slotsAfter[s] = (slotsAfter[s] as number) - 1;
        slotsAfter[t] = (slotsAfter[t] as number) + 1;
        const key = `${source.id}>${target.id}`;
        const move = moves.get(key) ?? { from: source, to: target, slots: [] };
        move.slots.push(slot);
        moves.set(key, move);
      }
    }
  }
  const round = (n: number): number => Math.round(n * 100) / 100;
  const rows = masters.map((m, i): BalanceRow => {
    const offBefore = offBy(before[i] as number, i);
    const offAfter = offBy(after[i] as number, i);
    return {
      id: m.id,
      address: m.addressKey,
      weight: weights[i] as number,
      target: round(targets[i] as number),
      before: round(before[i] as number),
      after: round(after[i] as number),
      offByPercentBefore: offBefore === null ? null : round(offBefore),
      offByPercentAfter: offAfter === null ? null : round(offAfter),
      slotsBefore: m.slots.length,
      slotsAfter: slotsAfter[i] as number,
    };
  });
  return { moves: [...moves.values()], masters: rows, total: round(total), spreadBefore: spread(before, targets, weights), spreadAfter: spread(after, targets, weights), withinThreshold: !needsMove };
}

/** Each weight's share of `total`; whole numbers by largest remainder when `integer` (they then sum to `total`). */
function shares(total: number, weights: number[], totalWeight: number, integer: boolean): number[] {
  const exact = weights.map((w) => (totalWeight === 0 ? 0 : (total * w) / totalWeight));
  if (!integer) return exact;
  const floors = exact.map(Math.floor);
  let left = Math.round(total) - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    left -= 1;
  }
  return floors;
}

function spread(loads: number[], targets: number[], weights: number[]): number | null {
  let worst: number | null = null;
  loads.forEach((load, i) => {
    const target = targets[i] as number;
    if ((weights[i] as number) === 0 || target <= 0) return;
    worst = Math.max(worst ?? 0, load / target);
  });
  return worst === null ? null : Math.round((worst as number) * 1000) / 1000;
}
