import type { Redis } from 'ioredis';
import { classifyRedisError } from '../redis/classifyRedisError';
import type { RedisConnection } from '../redis/RedisConnectionManager';
import { nodeKey, type NodeAddress } from '../redis/RedisTarget';
import { parseClusterNodes, selfEntry, type ClusterNodeEntry } from './parseClusterNodes';
import { parseInfo } from './parseInfo';

/** What one node said about itself and the cluster, or why it could not be asked. */
export interface NodeSnapshot {
  address: NodeAddress;
  /** Node id (from its own view, else from the reference view). */
  id?: string;
  reachable: boolean;
  /** Classified reason it was not reachable (`connection`, `timeout`, `auth`...). */
  failure?: string;
  /** Its `CLUSTER NODES` (cluster mode). */
  view?: ClusterNodeEntry[];
  /** Its `CLUSTER INFO` (cluster mode). */
  clusterInfo?: Record<string, string>;
  /** Its `INFO` default sections. */
  info?: Record<string, string>;
}

/** Everything topology and health are computed from; taken in one pass over the nodes. */
export type TopologySnapshot =
  | { mode: 'standalone'; collectedAt: string; node: NodeSnapshot }
  | {
      mode: 'cluster';
      collectedAt: string;
      /** The node whose `CLUSTER NODES` listed the others (the first registered endpoint that answered). */
      reference: NodeSnapshot;
      /** Every node any reachable node knows about, reachable or not. */
      nodes: NodeSnapshot[];
    };

/**
 * Asks every node for its own view, the way `redis-cli --cluster check` does: `CLUSTER NODES` from the first
 * endpoint that answers lists the nodes, then each node gives its `CLUSTER NODES`, `CLUSTER INFO` and `INFO`
 * over a direct connection. Nodes that cannot be reached are part of the snapshot, not an error; only a
 * cluster where no endpoint answers fails (and so counts against the circuit breaker).
 */
export async function collectSnapshot(connection: RedisConnection): Promise<TopologySnapshot> {
  const collectedAt = new Date().toISOString();
  const seeds = connection.seeds;
  if ((await connection.topologyMode()) === 'standalone') {
    const seed = seeds[0];
    if (!seed) throw new Error('no endpoints registered');
    const redis = await connection.node(seed);
    return { mode: 'standalone', collectedAt, node: { address: seed, reachable: true, info: parseInfo(String(await redis.info())) } };
  }
  let reference: NodeSnapshot | undefined;
  let lastError: unknown;
  for (const seed of seeds) {
    try {
      reference = await probeClusterNode(await connection.node(seed), seed);
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!reference) throw lastError;
  const byKey = new Map<string, NodeSnapshot>([[nodeKey(reference.address), reference]]);
  // Two rounds: nodes only the other nodes know about (a partition, a forgotten node) are asked too.
  for (let round = 0; round < 2; round++) {
    const known = [...byKey.values()].flatMap((n) => n.view ?? []).filter(isAddressable);
    const fresh = new Map(known.map((e) => [nodeKey(e), e] as const).filter(([key]) => !byKey.has(key)));
    if (fresh.size === 0) break;
    const probed = await Promise.all([...fresh.values()].map((entry) => probeOrRecord(connection, entry)));
    for (const node of probed) byKey.set(nodeKey(node.address), node);
  }
  return { mode: 'cluster', collectedAt, reference, nodes: [...byKey.values()] };
}

function isAddressable(entry: ClusterNodeEntry): boolean {
  return entry.port > 0 && !entry.flags.includes('noaddr') && !entry.flags.includes('handshake');
}

async function probeOrRecord(connection: RedisConnection, entry: ClusterNodeEntry): Promise<NodeSnapshot> {
  const address = { host: entry.host, port: entry.port };
  try {
    return await probeClusterNode(await connection.node(address), address);
  } catch (error) {
    return { address, id: entry.id, reachable: false, failure: classifyRedisError(error) };
  }
}

async function probeClusterNode(redis: Redis, address: NodeAddress): Promise<NodeSnapshot> {
  const results = (await redis.pipeline().call('CLUSTER', 'NODES').call('CLUSTER', 'INFO').info().exec()) ?? [];
  const [nodes, clusterInfo, info] = results.map(([error, value]) => {
    if (error) throw error;
    return String(value);
  });
  const view = parseClusterNodes(nodes ?? '');
  const self = selfEntry(view);
  return {
    address,
    ...(self ? { id: self.id } : {}),
    reachable: true,
    view,
    clusterInfo: parseInfo(clusterInfo ?? ''),
    info: parseInfo(info ?? ''),
  };
}
