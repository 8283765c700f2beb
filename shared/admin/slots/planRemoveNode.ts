import type { Principal } from '../../platform/auth/Principal';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { nodeKey } from '../../platform/redis/RedisTarget';
import { conflict, DomainError } from '../../platform/store/DomainError';
import { readClusterLayout, type LayoutMaster } from './clusterLayout';
import { findNode, readClusterNodes, type ClusterNode } from './clusterNodes';
import type { ForgetParams } from './forgetNode';
import type { RemoveNodeRequest } from './nodeRequest';
import { buildPlan, planView, type PlanRisk, type SlotPlan } from './planReshard';

/** What a remove-node dry run answers (the drain is a slot plan like a reshard's). */
export interface RemoveNodePlan {
  operation: 'remove-node';
  node: { id: string; address: string; role: 'master' | 'replica'; slots: number; reachable: boolean };
  /** Where its slots go: the reshard plan of the drain, or null when it owns none. */
  drain: Record<string, unknown> | null;
  /** Replicas of a removed master and the master each will follow. */
  repoint: { replica: { id: string; address: string }; to: { id: string; address: string } }[];
  /** Nodes that are told to CLUSTER FORGET it (every other node, replicas included). */
  forgetOn: string[];
  reset: boolean;
  steps: string[];
  risks: PlanRisk[];
}

/**
 * Plans removing `node`. Refuses (nothing changes) a registered endpoint (409 `node_is_registered_endpoint`), the last
 * master (409 `last_master`), a failed node that still owns slots (409 `failed_node_owns_slots`: fail over first), any
 * other node down (409 `cluster_not_ready`: it could not be told to forget and would gossip the node back), views
 * that disagree or open or uncovered slots (409 `cluster_views_disagree` / `slots_open` / `slots_uncovered`, empty
 * node or not), a node the cluster's view gives other slots than its own (409 `node_owns_slots`). Roles: an
 * operator may remove an empty node that answers; draining a master with slots needs the admin role (403
 * `remove_node_needs_admin`), a node that does not answer admin + force (`remove_node_needs_force`).
 */
export async function planRemoveNode(
  connection: RedisConnection,
  request: RemoveNodeRequest,
  principal: Principal,
): Promise<{ plan: RemoveNodePlan; slotPlan: SlotPlan; forget: ForgetParams }> {
  const { node: _node, reset: _reset, dryRun: _dryRun, force: _force, ...tuning } = request;
  const nodes = await readClusterNodes(connection);
  const node = findNode(nodes, request.node, 'node');
  if (connection.seeds.some((s) => nodeKey(s) === node.addressKey)) {
    throw conflict('node_is_registered_endpoint', `${node.addressKey} is an endpoint of this cluster's registration: replace it there first (PUT /api/clusters/{id} with endpoints naming other nodes), then remove it`);
  }
  const down = nodes.filter((n) => n !== node && (n.failed || !n.reachable));
  if (down.length > 0) throw conflict('cluster_not_ready', `${down.map((n) => n.addressKey).join(', ')} does not answer: it could not be told to CLUSTER FORGET ${node.id} and would gossip it back; bring it back or remove it first`);
  const masters = nodes.filter((n) => n.role === 'master' && n !== node);
  if (node.role === 'master' && masters.length === 0) throw conflict('last_master', `${node.addressKey} is the last master: a cluster cannot lose it`);
  if (!node.reachable && node.slotCount > 0) throw conflict('failed_node_owns_slots', `${node.addressKey} does not answer and owns ${node.slotCount} slot(s): its keys cannot be moved; fail over to one of its replicas (POST …/slots/failover) or run fix, then remove it`);
  const risks: PlanRisk[] = [];
  if (!node.reachable) risks.push({ code: 'node_unreachable', message: `${node.addressKey} does not answer: it is forgotten but cannot be reset, so it may rejoin by gossip when it returns (CLUSTER RESET it then)`, dataLoss: true });
  if (node.role === 'master' && node.slotCount > 0 && principal.role !== 'admin' && !request.dryRun) {
    throw new DomainError('forbidden', 'remove_node_needs_admin', `${node.addressKey} owns ${node.slotCount} slot(s): draining a master and removing it needs the admin role (an operator may remove an empty node)`);
  }
  // An empty node too: its own view may say "no slot" while the others' say it owns some (forgetting it would leave
  // them uncovered), and a forget must not start on a cluster with open or uncovered slots either.
  const layout = await readClusterLayout(connection, { removing: node.id });
  const owned = layout.ownerOf.filter((o) => o === node.id).length;
  if (owned !== node.slotCount) throw conflict('node_owns_slots', `${node.addressKey} owns ${owned} slot(s) in the cluster's view but said ${node.slotCount}: run POST …/slots/fix, then remove it again`);
  let slotPlan: SlotPlan = await buildPlan(connection, 'remove-node', [], tuning);
  if (node.slotCount > 0) {
    const source = layout.masters.find((m) => m.id === node.id);
    if (!source) throw conflict('cluster_not_ready', `${node.addressKey} is not a reachable master any more`);
    slotPlan = await buildPlan(connection, 'remove-node', drainPairs(source, layout.masters.filter((m) => m !== source)), tuning);
  }
  const repoint = node.role === 'master' ? nodes.filter((n) => n.masterId === node.id).map((replica) => ({ replica, to: newMaster(masters, nodes) })) : [];
  if (node.role === 'replica') {
    const siblings = nodes.filter((n) => n.masterId === node.masterId && n !== node);
    if (siblings.length === 0) risks.push({ code: 'master_loses_last_replica', message: `its master ${node.masterId ?? ''} keeps no replica: its keys are not redundant until one is added`, dataLoss: false });
  }
  const plan: RemoveNodePlan = {
    operation: 'remove-node',
    node: { id: node.id, address: node.addressKey, role: node.role, slots: node.slotCount, reachable: node.reachable },
    drain: node.slotCount > 0 ? planView(slotPlan) : null,
    repoint: repoint.map((r) => ({ replica: { id: r.replica.id, address: r.replica.addressKey }, to: { id: r.to.id, address: r.to.addressKey } })),
    forgetOn: nodes.filter((n) => n !== node).map((n) => n.addressKey),
    reset: request.reset && node.reachable,
    steps: [
      ...(node.slotCount > 0 ? [`move its ${node.slotCount} slot(s) (${slotPlan.keys} keys) to ${slotPlan.pairs.length} master(s)`] : []),
      ...repoint.map((r) => `CLUSTER REPLICATE ${r.to.id} on its replica ${r.replica.addressKey}`),
      `CLUSTER FORGET ${node.id} on ${nodes.length - 1} node(s) at once (within the 60 s ban window; repeated until none lists it)`,
      ...(request.reset && node.reachable ? [`CLUSTER RESET SOFT on ${node.addressKey}`] : []),
    ],
    risks: [...risks, ...slotPlan.risks],
  };
  const fallback = masters.find((m) => m.slotCount > 0) ?? masters[0];
  const forget: ForgetParams = {
    id: node.id,
    host: node.address.host,
    port: node.address.port,
    reset: plan.reset,
    repoint: repoint.map((r) => ({ id: r.replica.id, toId: r.to.id })),
    ...(fallback ? { fallbackMasterId: fallback.id } : {}),
  };
  return { plan, slotPlan, forget };
}

/** The master a re-pointed replica follows: one with slots and the fewest replicas. */
function newMaster(masters: readonly ClusterNode[], nodes: readonly ClusterNode[]): ClusterNode {
  const replicas = (m: ClusterNode): number => nodes.filter((n) => n.masterId === m.id).length;
  const candidates = masters.some((m) => m.slotCount > 0) ? masters.filter((m) => m.slotCount > 0) : [...masters];
  return [...candidates].sort((a, b) => replicas(a) - replicas(b))[0] as ClusterNode;
}

/**
 * The drain: `source`'s slots, in order, cut into one consecutive block per other master, sized so every master ends
 * as close as possible to an equal share (the masters with fewer slots take more).
 */
export function drainPairs(source: LayoutMaster, others: LayoutMaster[]): { from: LayoutMaster; to: LayoutMaster; slots: number[] }[] {
  const total = others.reduce((n, m) => n + m.slots.length, 0) + source.slots.length;
  const share = Math.floor(total / others.length);
  let extra = total - share * others.length;
  const byFewest = [...others].sort((a, b) => a.slots.length - b.slots.length);
  const quotas = byFewest.map((m) => {
    const goal = share + (extra > 0 ? 1 : 0);
    if (extra > 0) extra -= 1;
    return Math.max(0, goal - m.slots.length);
  });
  // Rounding or masters already above the share: the rest goes to the fewest-slot masters first.
  let left = source.slots.length - quotas.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % quotas.length, left--) quotas[i] = (quotas[i] ?? 0) + 1;
  let next = 0;
  return byFewest.map((to, i) => {
    const n = Math.min(quotas[i] ?? 0, source.slots.length - next);
    const slots = source.slots.slice(next, next + n);
    next += n;
    return { from: source, to, slots };
  });
}
