import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { nodeKey } from '../../platform/redis/RedisTarget';
import { DomainError } from '../../platform/store/DomainError';
import type { NodeSnapshot, TopologySnapshot } from '../../platform/topology/collectSnapshot';
import { isReplica, selfEntry } from '../../platform/topology/parseClusterNodes';
import { infoNumber } from '../../platform/topology/parseInfo';
import { agreedSnapshot, type OwnMoves } from './checkSlotViews';
import type { SlotNode } from './migrateSlot';

/** How long one node may take to answer the layout read before it counts as unreachable. */
const LAYOUT_PROBE_BUDGET_MS = 5000;

/** One master as a slot operation sees it. */
export interface LayoutMaster extends SlotNode {
  addressKey: string;
  /** Slots it owns in its own view. */
  slots: number[];
  replicas: number;
  usedMemory: number | null;
  maxmemory: number | null;
  /** Open slots in its own view. */
  migrating: { slot: number; to: string }[];
  importing: { slot: number; from: string }[];
}

/** The masters of a cluster, checked fit for moving slots. */
export interface ClusterLayout {
  masters: LayoutMaster[];
  /** Owner id of every slot (undefined = uncovered). */
  ownerOf: (string | undefined)[];
}

/**
 * Reads the cluster and refuses (409, naming why and what to do) when moving slots is unsafe: a master unreachable or
 * failed (`cluster_not_ready`), then redis-cli's checks on every reachable master and replica (`agreedSnapshot`):
 * views that disagree about a slot's owner (`cluster_views_disagree`), open slots (`slots_open`), slots no master
 * owns (`slots_uncovered`). redis-cli checks the same before a reshard or rebalance (clusterManagerCheckCluster) and
 * stops there too. A running job passes `ownMoves`, its own plan: its half-moved slots are not refused.
 */
export async function readClusterLayout(
  connection: RedisConnection,
  options: {
    /** A slot job's plan: the open states and split owners of its own slots are its work in progress. */
    ownMoves?: OwnMoves;
    /**
     * remove-node's node: when it does not answer and owns no slot it is left out instead of refused (nothing of it
     * moves, and it is forgotten). Before the cluster flags it `fail` it is still listed as a plain master.
     */
    removing?: string;
  } = {},
): Promise<ClusterLayout> {
  let layout: ClusterLayout | undefined;
  // A master busy for a moment (after a big move, on a loaded host) is not "down": slot operations wait longer for
  // each node than health's 600 ms before refusing, or before a running saga fails because a master seems gone.
  await agreedSnapshot(connection, {
    probeBudgetMs: LAYOUT_PROBE_BUDGET_MS,
    ...(options.ownMoves ? { ownMoves: options.ownMoves } : {}),
    check: (snapshot) => {
      layout = layoutOf(snapshot, options.removing);
    },
  });
  return layout as ClusterLayout;
}

function layoutOf(snapshot: Extract<TopologySnapshot, { mode: 'cluster' }>, removing: string | undefined): ClusterLayout {
  const view = snapshot.reference.view ?? [];
  const masters: LayoutMaster[] = [];
  const problems: string[] = [];
  for (const entry of view.filter((e) => !isReplica(e))) {
    if (entry.flags.includes('fail') || entry.flags.includes('noaddr')) {
      if (entry.slots.length > 0) problems.push(`master ${entry.id} (${entry.host}:${entry.port}) is failed and still owns slots: fail over to a replica or run fix with force`);
      continue;
    }
    const node = snapshot.nodes.find((n) => n.id === entry.id);
    const self = node?.view && selfEntry(node.view);
    if (!node?.reachable || !self) {
      if (entry.id === removing && entry.slots.length === 0) continue;
      problems.push(`master ${entry.host}:${entry.port} does not answer (${node?.failure ?? 'unknown'})`);
      continue;
    }
    masters.push({ ...toMaster(node, self.id, self.slots, view.filter((e) => e.masterId === self.id).length), migrating: self.migrating, importing: self.importing });
  }
  if (problems.length > 0) throw notReady(problems.join('; '));
  const ownerOf: (string | undefined)[] = new Array<string | undefined>(16384).fill(undefined);
  for (const master of masters) {
    for (const slot of master.slots) {
      const previous = ownerOf[slot];
      // Views that agree never give a slot two claimants; kept as a guard for the planner.
      if (previous !== undefined && previous !== master.id) throw notReady(`slot ${slot} is claimed by two masters: run POST …/slots/fix first`);
      ownerOf[slot] = master.id;
    }
  }
  return { masters, ownerOf };
}

function toMaster(node: NodeSnapshot, id: string, ranges: [number, number][], replicas: number): Omit<LayoutMaster, 'migrating' | 'importing'> {
  const slots: number[] = [];
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) slots.push(s);
  return {
    id,
    address: node.address,
    addressKey: nodeKey(node.address),
    slots,
    replicas,
    usedMemory: infoNumber(node.info, 'used_memory') ?? null,
    maxmemory: infoNumber(node.info, 'maxmemory') || null,
  };
}

function notReady(reason: string): DomainError {
  return new DomainError('conflict', 'cluster_not_ready', `the cluster cannot take a slot operation now: ${reason}`);
}

/** The master a request names by id or `host:port`; 400 `unknown_node` naming the field otherwise. */
export function findMaster(layout: ClusterLayout, ref: string, field: string): LayoutMaster {
  const master = layout.masters.find((m) => m.id === ref || m.addressKey === ref);
  if (!master) throw new DomainError('validation', 'unknown_node', `${field}: no reachable master is '${ref}'`, [{ field: `body.${field}`, message: `no reachable master is '${ref}'` }]);
  return master;
}
