import { nodeKey, type NodeAddress } from '../../platform/redis/RedisTarget';
import type { NodeSnapshot, TopologySnapshot } from '../../platform/topology/collectSnapshot';
import { isReplica, selfEntry, type ClusterNodeEntry } from '../../platform/topology/parseClusterNodes';
import { CLUSTER_SLOTS } from '../../platform/topology/slotRanges';

type ClusterSnapshot = Extract<TopologySnapshot, { mode: 'cluster' }>;

/** One reachable node's own view of the slot map, master or replica: what fix and every slot-moving check compare. */
export interface SlotView {
  id: string;
  address: NodeAddress;
  addressKey: string;
  role: 'master' | 'replica';
  /** Its own `myself` line (its claimed slots and open states). */
  self: ClusterNodeEntry;
  view: ClusterNodeEntry[];
  /** Owner id of every slot in its view (undefined = unassigned). */
  owner: (string | undefined)[];
  snapshot: NodeSnapshot;
}

/** Every node of the snapshot that answered with a view of its own (nodes that did not answer have none to compare). */
export function slotViews(snapshot: ClusterSnapshot): SlotView[] {
  const views: SlotView[] = [];
  for (const node of snapshot.nodes) {
    const self = node.reachable && node.view ? selfEntry(node.view) : undefined;
    if (!self || !node.view) continue;
    views.push({ id: self.id, address: node.address, addressKey: nodeKey(node.address), role: isReplica(self) ? 'replica' : 'master', self, view: node.view, owner: viewOwners(node.view), snapshot: node });
  }
  return views;
}

/** Owner id of every slot in one node's `CLUSTER NODES` (masters' slot ranges; open-slot brackets do not own). */
export function viewOwners(view: readonly ClusterNodeEntry[]): (string | undefined)[] {
  const owner = new Array<string | undefined>(CLUSTER_SLOTS).fill(undefined);
  for (const e of view) if (!isReplica(e)) for (const [a, b] of e.slots) owner.fill(e.id, a, b + 1);
  return owner;
}
