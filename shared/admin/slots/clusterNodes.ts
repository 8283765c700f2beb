import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { nodeKey, type NodeAddress } from '../../platform/redis/RedisTarget';
import { DomainError } from '../../platform/store/DomainError';
import { collectSnapshot } from '../../platform/topology/collectSnapshot';
import { isReplica, selfEntry } from '../../platform/topology/parseClusterNodes';
import { infoNumber, keyspaceTotals } from '../../platform/topology/parseInfo';

/** One node of the cluster (master or replica) as a node operation sees it. */
export interface ClusterNode {
  id: string;
  address: NodeAddress;
  addressKey: string;
  role: 'master' | 'replica';
  /** The master of a replica (from its own view when it answers, else the reference view). */
  masterId?: string;
  slotCount: number;
  reachable: boolean;
  /** Flagged `fail` / `noaddr` by the reference view, or not answering. */
  failed: boolean;
  /** Why it could not be asked, when it could not. */
  failure?: string;
  /** INFO replication: `master_repl_offset` of a master, the offset a replica processed. */
  replOffset: number | null;
  /** A replica's `master_link_status:up`. */
  linkUp: boolean | null;
  /** Keys (INFO keyspace, db0). */
  keys: number | null;
}

/**
 * Every node of the cluster, masters and replicas, each from its own answer where it gave one (redis-cli's habit:
 * trust a node about itself). 409 `cluster_not_ready` when the cache is not a Redis Cluster.
 */
export async function readClusterNodes(connection: RedisConnection): Promise<ClusterNode[]> {
  const snapshot = await collectSnapshot(connection);
  if (snapshot.mode !== 'cluster') throw new DomainError('conflict', 'cluster_not_ready', 'the cache is not a Redis Cluster: there are no nodes to add, remove or fail over');
  const view = snapshot.reference.view ?? [];
  return view
    .filter((entry) => !entry.flags.includes('handshake'))
    .map((entry): ClusterNode => {
      const node = snapshot.nodes.find((n) => n.id === entry.id);
      const self = node?.view ? selfEntry(node.view) : undefined;
      const own = self ?? entry;
      const replica = isReplica(own);
      const info = node?.info;
      const slotCount = own.slots.reduce((n, [a, b]) => n + b - a + 1, 0);
      return {
        id: entry.id,
        address: node?.address ?? { host: entry.host, port: entry.port },
        addressKey: nodeKey(node?.address ?? { host: entry.host, port: entry.port }),
        role: replica ? 'replica' : 'master',
        ...(replica && own.masterId ? { masterId: own.masterId } : {}),
        slotCount,
        reachable: node?.reachable === true && self !== undefined,
        failed: entry.flags.includes('fail') || entry.flags.includes('noaddr') || node?.reachable !== true,
        ...(node?.failure ? { failure: node.failure } : {}),
        replOffset: replica ? (infoNumber(info, 'slave_repl_offset') ?? null) : (infoNumber(info, 'master_repl_offset') ?? null),
        linkUp: replica && info ? info['master_link_status'] === 'up' : null,
        keys: info ? keyspaceTotals(info).keys : null,
      };
    });
}

/** The node a request names by id or `host:port`; 400 `unknown_node` naming the field otherwise. */
export function findNode(nodes: readonly ClusterNode[], ref: string, field: string): ClusterNode {
  const node = nodes.find((n) => n.id === ref || n.addressKey === ref);
  if (!node) throw new DomainError('validation', 'unknown_node', `${field}: no node of the cluster is '${ref}'`, [{ field: `body.${field}`, message: `no node of the cluster is '${ref}'` }]);
  return node;
}
