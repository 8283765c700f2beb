import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { DomainError } from '../../platform/store/DomainError';
import { collectSnapshot, type TopologySnapshot } from '../../platform/topology/collectSnapshot';
import { CLUSTER_SLOTS, formatRanges, toRanges } from '../../platform/topology/slotRanges';
import { slotViews, type SlotView } from './slotViews';

type ClusterSnapshot = Extract<TopologySnapshot, { mode: 'cluster' }>;

/** The slots a running job moves: their open states between `from` and `to`, and views naming either as owner, are its own. */
export type OwnMoves = ReadonlyMap<number, { from: string; to: string }>;

/** Why a cluster is refused a slot move (409 codes, stable). */
export type SlotViewCode = 'cluster_views_disagree' | 'slots_open' | 'slots_uncovered';

export interface SlotViewProblem {
  code: SlotViewCode;
  message: string;
}

/** How long a slot operation waits for views that only disagree (gossip still converging) before refusing. @default 3000 */
const VIEW_SETTLE_MS = 3000;
const SETTLE_POLL_MS = 250;
/** Nodes, open states and slot ranges a refusal names at most (the rest are counted). */
const LISTED = 8;

/**
 * redis-cli's checks before a reshard or rebalance (`clusterManagerCheckCluster`: "Nodes don't agree about
 * configuration!", open slots, coverage), on every reachable master and replica: views that give a slot different
 * owners, slots open (MIGRATING/IMPORTING) on any node, slots no master claims. `ownMoves` exempts a resumed job's own
 * half-moved slots (open between its pair's nodes, owned by either in some view): the job must finish them.
 */
export function slotViewProblems(views: readonly SlotView[], ownMoves: OwnMoves = new Map()): SlotViewProblem[] {
  const name = addressBook(views);
  return [...disagreement(views, ownMoves, name), ...openSlots(views, ownMoves, name), ...uncovered(views)];
}

/**
 * Reads every node's view (`collectSnapshot`) until `slotViewProblems` finds none: views that only disagree are read
 * again every 250 ms for up to 3 s (a move's announcements reach replicas by gossip), anything else is refused at
 * once. `check` sees each snapshot first (e.g. refusing a master that is down). 409 with the first problem's code and
 * every problem in the detail, naming nodes and slots and the fix operation.
 */
export async function agreedSnapshot(
  connection: RedisConnection,
  options: { ownMoves?: OwnMoves; probeBudgetMs?: number; settleMs?: number; check?: (snapshot: ClusterSnapshot) => void } = {},
): Promise<ClusterSnapshot> {
  const deadline = Date.now() + (options.settleMs ?? VIEW_SETTLE_MS);
  for (;;) {
    const snapshot = await collectSnapshot(connection, options.probeBudgetMs ? { probeBudgetMs: options.probeBudgetMs } : {});
    if (snapshot.mode !== 'cluster') throw new DomainError('conflict', 'cluster_not_ready', 'the cache is not a Redis Cluster: there are no slots to move');
    options.check?.(snapshot);
    const problems = slotViewProblems(slotViews(snapshot), options.ownMoves);
    if (problems.length === 0) return snapshot;
    if (problems.some((p) => p.code !== 'cluster_views_disagree') || Date.now() >= deadline) {
      const waited = problems.every((p) => p.code === 'cluster_views_disagree') ? ` (still after ${options.settleMs ?? VIEW_SETTLE_MS} ms of gossip)` : '';
      throw new DomainError('conflict', (problems[0] as SlotViewProblem).code, `the cluster cannot take a slot operation now${waited}: ${problems.map((p) => p.message).join('; ')}`);
    }
    await sleep(SETTLE_POLL_MS);
  }
}

/** True for the codes `agreedSnapshot` refuses with. */
export function isSlotViewRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && (error.code === 'cluster_views_disagree' || error.code === 'slots_open' || error.code === 'slots_uncovered');
}

function disagreement(views: readonly SlotView[], own: OwnMoves, name: (id: string | undefined) => string): SlotViewProblem[] {
  if (views.length < 2) return [];
  /** Per node: `its owner|the majority's owner` → slots. */
  const deviations = new Map<SlotView, Map<string, number[]>>();
  let disputed = 0;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    const first = (views[0] as SlotView).owner[slot];
    if (views.every((v) => v.owner[slot] === first)) continue;
    const move = own.get(slot);
    if (move && views.every((v) => v.owner[slot] === move.from || v.owner[slot] === move.to)) continue;
    disputed += 1;
    const votes = new Map<string | undefined, number>();
    for (const v of views) votes.set(v.owner[slot], (votes.get(v.owner[slot]) ?? 0) + 1);
    const majority = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
    for (const v of views.filter((x) => x.owner[slot] !== majority)) {
      const byPair = deviations.get(v) ?? new Map<string, number[]>();
      const key = `${v.owner[slot] ?? ''}|${majority ?? ''}`;
      // Appended in place: a copy per slot was quadratic (16,384 disputed slots in two views: 1.4 s of blocked event loop per read).
      const slots = byPair.get(key);
      if (slots) slots.push(slot);
      else byPair.set(key, [slot]);
      deviations.set(v, byPair);
    }
  }
  if (disputed === 0) return [];
  const nodes = [...deviations].map(([v, byPair]) => {
    const says = [...byPair].slice(0, 3).map(([key, slots]) => {
      const [mine, theirs] = key.split('|');
      return `${ranges(slots)} owned by ${name(mine || undefined)} (the others: ${name(theirs || undefined)})`;
    });
    return `${v.addressKey} (${v.role}) sees ${says.join(', ')}${byPair.size > 3 ? ` and ${byPair.size - 3} more` : ''}`;
  });
  return [
    {
      code: 'cluster_views_disagree',
      message:
        `nodes don't agree about the slot map (${disputed} slot(s) with different owners in ${views.length} views): ${listed(nodes)}; ` +
        'run POST …/slots/fix (it settles and announces each slot\'s owner to every node), then retry',
    },
  ];
}

function openSlots(views: readonly SlotView[], own: OwnMoves, name: (id: string | undefined) => string): SlotViewProblem[] {
  const found: string[] = [];
  for (const v of views) {
    for (const m of v.self.migrating) {
      const move = own.get(m.slot);
      if (!(move && move.from === v.id && move.to === m.to)) found.push(`${v.addressKey} has ${m.slot} migrating to ${name(m.to)}`);
    }
    for (const i of v.self.importing) {
      const move = own.get(i.slot);
      if (!(move && move.to === v.id && move.from === i.from)) found.push(`${v.addressKey} has ${i.slot} importing from ${name(i.from)}`);
    }
  }
  if (found.length === 0) return [];
  return [{ code: 'slots_open', message: `${found.length} open slot state(s) outside this operation: ${listed(found)}; run POST …/slots/fix first (it finishes or closes every open slot without losing a key)` }];
}

function uncovered(views: readonly SlotView[]): SlotViewProblem[] {
  const claimed = new Uint8Array(CLUSTER_SLOTS);
  for (const v of views) if (v.role === 'master') for (const [a, b] of v.self.slots) claimed.fill(1, a, b + 1);
  const slots: number[] = [];
  claimed.forEach((c, slot) => c === 0 && slots.push(slot));
  if (slots.length === 0) return [];
  return [{ code: 'slots_uncovered', message: `${slots.length} slot(s) have no owner (no reachable master claims ${ranges(slots)}): run POST …/slots/fix (or CLUSTER ADDSLOTS) first; slots only move in a cluster where every slot has an owner` }];
}

/** Node id → `host:port` as any view lists it; `nobody` for an unassigned slot. */
function addressBook(views: readonly SlotView[]): (id: string | undefined) => string {
  const book = new Map<string, string>();
  for (const v of views) for (const e of v.view) if (!book.has(e.id) || e.flags.includes('myself')) book.set(e.id, `${e.host}:${e.port}`);
  return (id) => (id === undefined ? 'nobody' : (book.get(id) ?? id));
}

function ranges(slots: readonly number[]): string {
  const all = toRanges(slots);
  return `${formatRanges(all.slice(0, LISTED))}${all.length > LISTED ? ` and ${all.length - LISTED} more range(s)` : ''}`;
}

function listed(items: readonly string[]): string {
  return `${items.slice(0, LISTED).join('; ')}${items.length > LISTED ? `; and ${items.length - LISTED} more` : ''}`;
}
