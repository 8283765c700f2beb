import { nodeKey } from '../../platform/redis/RedisTarget';
import type { NodeSnapshot, TopologySnapshot } from '../../platform/topology/collectSnapshot';
import { selfEntry, type ClusterNodeEntry } from '../../platform/topology/parseClusterNodes';

type ClusterSnapshot = Extract<TopologySnapshot, { mode: 'cluster' }>;

/** A node redis-cli would load: reachable and not flagged `fail`/`noaddr` by the entry node. */
export interface LoadedNode {
  address: string;
  snapshot: NodeSnapshot;
  /** The node's own `myself` line. */
  self: ClusterNodeEntry;
  view: ClusterNodeEntry[];
}

/**
 * The set of nodes `redis-cli --cluster check` works on (`clusterManagerLoadInfoFromNode`): the entry node plus
 * every node it lists that answers and that it does not flag `fail` or `noaddr`. Its checks only see these
 * nodes, so a dead master's slots count as uncovered; health reproduces that to give the same verdict.
 */
export function redisCliLoadedNodes(snapshot: ClusterSnapshot): LoadedNode[] {
  const referenceView = snapshot.reference.view ?? [];
  const loaded: LoadedNode[] = [];
  for (const node of snapshot.nodes) {
    const self = node.view && selfEntry(node.view);
    if (!node.reachable || !node.view || !self) continue;
    if (node !== snapshot.reference) {
      const listed = referenceView.find((e) => e.id === self.id);
      if (!listed || listed.flags.includes('fail') || listed.flags.includes('noaddr')) continue;
    }
    loaded.push({ address: nodeKey(node.address), snapshot: node, self, view: node.view });
  }
  return loaded;
}

/**
 * redis-cli's configuration signature of a node's view (`clusterManagerGetConfigSignature`): for every node
 * listed with slots, `id:slot,ranges` (ranges sorted as strings, open-slot brackets ignored), the entries sorted
 * and joined with `|`. Two nodes agree when their signatures are equal.
 */
export function configSignature(view: readonly ClusterNodeEntry[]): string {
  return view
    .filter((e) => e.slotTokens.length > 0)
    .map((e) => `${e.id}:${[...e.slotTokens].sort(strcmp).join(',')}`)
    .sort(strcmp)
    .join('|');
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
