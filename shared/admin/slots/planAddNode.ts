import type { Redis } from 'ioredis';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { nodeKey, type NodeAddress } from '../../platform/redis/RedisTarget';
import { conflict, DomainError } from '../../platform/store/DomainError';
import { parseClusterNodes, selfEntry } from '../../platform/topology/parseClusterNodes';
import { parseInfo } from '../../platform/topology/parseInfo';
import { agreedSnapshot } from './checkSlotViews';
import { findNode, readClusterNodes } from './clusterNodes';
import type { AddNodeRequest } from './nodeRequest';
import type { PlanRisk } from './planReshard';

/** What an add-node dry run answers and its job runs. */
export interface AddNodePlan {
  operation: 'add-node';
  node: { id: string; address: string };
  role: 'master' | 'replica';
  /** The master a replica will follow. */
  replicaOf?: { id: string; address: string };
  /** The cluster node the new one meets (CLUSTER MEET is sent to the new node, as redis-cli does). */
  meet: { id: string; address: string };
  /** Nodes that must list the new one before the job goes on. */
  nodesToLearn: number;
  steps: string[];
  risks: PlanRisk[];
}

/**
 * Checks the node to add, refusing with the reason (nothing changes): it must answer (422 `node_unreachable`), run in
 * cluster mode (422 `node_not_cluster_enabled`), hold no key (422 `node_not_empty`), own no slot and know no other
 * node (422 `node_in_another_cluster`), and not be a member already (409 `node_already_member`). `replicaOf` must be a
 * reachable master (400 `unknown_node` / `not_a_master`). The cluster's views must agree, with no slot open or
 * uncovered (409 `cluster_views_disagree` / `slots_open` / `slots_uncovered`). The node met is the first reachable master.
 */
export async function planAddNode(connection: RedisConnection, request: AddNodeRequest): Promise<{ plan: AddNodePlan; meetAddress: NodeAddress; masterId?: string }> {
  const nodes = await readClusterNodes(connection);
  // redis-cli's add-node checks the cluster first too (clusterManagerCheckCluster): a node joining a split or broken
  // slot map learns a view some nodes do not share.
  await agreedSnapshot(connection);
  const key = nodeKey(request.address);
  const member = nodes.find((n) => n.addressKey === key);
  if (member) throw conflict('node_already_member', `${key} is already a ${member.role} of this cluster (node ${member.id})`);
  const master = request.replicaOf === undefined ? undefined : findNode(nodes, request.replicaOf, 'replicaOf');
  if (master && (master.role !== 'master' || !master.reachable)) {
    const why = master.role !== 'master' ? `${master.addressKey} is a replica: name a master` : `${master.addressKey} does not answer`;
    throw new DomainError('validation', 'not_a_master', `replicaOf: ${why}`, [{ field: 'body.replicaOf', message: why }]);
  }
  const meet = nodes.find((n) => n.role === 'master' && n.reachable && !n.failed);
  if (!meet) throw conflict('cluster_not_ready', 'no master of the cluster answers: nothing to meet');
  const id = await probeNewNode(await openNew(connection, request.address), key, nodes.map((n) => n.id));
  const risks: PlanRisk[] = [];
  if (master) risks.push({ code: 'full_sync', message: `${master.addressKey} forks for a full synchronisation (BGSAVE) of ${master.keys ?? 'its'} keys to the new replica: memory and latency rise on it meanwhile`, dataLoss: false });
  else risks.push({ code: 'master_without_slots', message: `${key} joins with no slot and no replica: give it slots with reshard or rebalance`, dataLoss: false });
  const plan: AddNodePlan = {
    operation: 'add-node',
    node: { id, address: key },
    role: master ? 'replica' : 'master',
    ...(master ? { replicaOf: { id: master.id, address: master.addressKey } } : {}),
    meet: { id: meet.id, address: meet.addressKey },
    nodesToLearn: nodes.filter((n) => n.reachable).length,
    steps: [`CLUSTER MEET ${meet.address.host} ${meet.address.port} on ${key}`, `wait until every node lists ${id} (at most ${Math.round(request.waitMs / 1000)} s)`, ...(master ? [`CLUSTER REPLICATE ${master.id} on ${key}, wait for master_link_status:up`] : []), 'verify every node agrees on its role'],
    risks,
  };
  return { plan, meetAddress: meet.address, ...(master ? { masterId: master.id } : {}) };
}

/** A connection to the new node; a node that does not answer is the caller's problem (422), not the cluster's. */
async function openNew(connection: RedisConnection, address: NodeAddress): Promise<Redis> {
  try {
    const redis = await connection.node(address);
    await redis.ping();
    return redis;
  } catch (error) {
    throw new DomainError('unprocessable', 'node_unreachable', `address: ${nodeKey(address)} does not answer as a Redis server with the cluster's credentials (${error instanceof Error ? error.message.split('\n')[0]?.slice(0, 80) : 'unknown'})`, [{ field: 'body.address', message: 'does not answer' }]);
  }
}

/** The new node's id, once it is shown to be an empty cluster node of its own. */
export async function probeNewNode(redis: Redis, key: string, memberIds: readonly string[]): Promise<string> {
  const refuse = (code: string, why: string): never => {
    throw new DomainError('unprocessable', code, `address: ${key} ${why}; nothing was changed`, [{ field: 'body.address', message: why }]);
  };
  const info = parseInfo(String(await redis.info().catch(() => '')));
  if (info['cluster_enabled'] !== '1') refuse('node_not_cluster_enabled', 'is not in cluster mode (cluster-enabled no): start it with cluster-enabled yes');
  const view = parseClusterNodes(String(await redis.call('CLUSTER', 'NODES')));
  const self = selfEntry(view);
  if (!self) return refuse('node_not_cluster_enabled', 'gave no CLUSTER NODES entry of its own');
  if (memberIds.includes(self.id)) throw conflict('node_already_member', `${key} is node ${self.id}, already a member of this cluster`);
  const others = view.filter((e) => e !== self);
  if (others.length > 0 || self.slots.length > 0) refuse('node_in_another_cluster', `knows ${others.length} other node(s) and owns ${self.slots.length} slot range(s): it belongs to another cluster (CLUSTER RESET it first if it is really free)`);
  const keys = Number(await redis.dbsize());
  if (keys > 0) refuse('node_not_empty', `holds ${keys} key(s): a node joins empty (move its keys away or flush it yourself first)`);
  return self.id;
}
