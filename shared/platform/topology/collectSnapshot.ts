import type { Redis } from 'ioredis';
import { classifyRedisError } from '../redis/classifyRedisError';
import type { RedisConnection } from '../redis/RedisConnectionManager';
import { nodeKey, type NodeAddress } from '../redis/RedisTarget';
import { DomainError } from '../store/DomainError';
import { countKeysOutsideOwnSlots, type SlotKeys } from './countKeysOutsideOwnSlots';
import { parseClusterNodes, selfEntry, type ClusterNodeEntry } from './parseClusterNodes';
import { parseInfo } from './parseInfo';
import { unreachableNodes } from './UnreachableNodes';

/** What one node said about itself and the cluster, or why it could not be asked. */
export interface NodeSnapshot {
  address: NodeAddress;
  /** Node id (from its own view, else from the reference view). */
  id?: string;
  reachable: boolean;
  /**
   * Classified reason it was not reachable (`connection`, `timeout`, `auth`, `loading`, `noaddr`...);
   * `remembered` is true when it was not asked again because it failed moments ago.
   */
  failure?: string;
  remembered?: boolean;
  /** Its `CLUSTER NODES` (cluster mode). */
  view?: ClusterNodeEntry[];
  /** Its `CLUSTER INFO` (cluster mode). */
  clusterInfo?: Record<string, string>;
  /** Its `INFO` default sections (also of a node still loading: INFO answers during a load). */
  info?: Record<string, string>;
  /** `CONFIG GET save` / `stop-writes-on-bgsave-error` when CONFIG is allowed (Azure renames it). */
  config?: Record<string, string>;
  /** Slots this master holds keys in without owning them (only with `searchKeysInUnownedSlots`). */
  keysInUnownedSlots?: SlotKeys[];
}

/** Everything topology and health are computed from; taken in one pass over the nodes. */
export type TopologySnapshot =
  | { mode: 'standalone'; collectedAt: string; node: NodeSnapshot }
  | {
      mode: 'cluster';
      collectedAt: string;
      /** The node whose `CLUSTER NODES` listed the others (the first registered endpoint that answered). */
      reference: NodeSnapshot;
      /** Every node any reachable node knows about, reachable or not (one per node id). */
      nodes: NodeSnapshot[];
    };

export interface SnapshotOptions {
  /**
   * Time one node may take to answer before it is recorded unreachable (its probe goes on in the background and
   * updates the memory of unreachable nodes). Keeps a frozen node from costing every call the command timeout.
   * @default 600
   */
  probeBudgetMs?: number;
  /**
   * Counts keys (CLUSTER COUNTKEYSINSLOT, one pipeline) in every slot a master with keys does not own, so keys
   * left behind by an abandoned migration show (redis-cli's `--cluster-search-multiple-owners`). @default false
   */
  searchKeysInUnownedSlots?: boolean;
}

/**
 * Asks every node for its own view, the way `redis-cli --cluster check` does: `CLUSTER NODES` from the first
 * endpoint that answers lists the nodes, then each node gives its `CLUSTER NODES`, `CLUSTER INFO` and `INFO`
 * over a direct connection, all in parallel within a short budget. Nodes that cannot be reached are part of the
 * snapshot, not an error (noaddr entries too: they are listed, never dropped); only a cluster where no endpoint
 * answers fails (and so counts against the circuit breaker). A node that failed moments ago is not waited for
 * again (`UnreachableNodes`), so health stays fast while a node is frozen.
 */
export async function collectSnapshot(connection: RedisConnection, options: SnapshotOptions = {}): Promise<TopologySnapshot> {
  const collectedAt = new Date().toISOString();
  const budget = options.probeBudgetMs ?? 600;
  const memory = unreachableNodes(connection.target.id);
  const seeds = connection.seeds;
  if ((await connection.topologyMode()) === 'standalone') {
    const seed = seeds[0];
    if (!seed) throw new Error('no endpoints registered');
    let redis: Redis;
    try {
      redis = await connection.node(seed);
    } catch (error) {
      const info = await loadingInfo(connection, seed, budget);
      if (!info) throw error;
      return { mode: 'standalone', collectedAt, node: { address: seed, reachable: false, failure: 'loading', info } };
    }
    const [info, config] = await Promise.all([redis.info().then(String), readConfig(redis)]);
    return { mode: 'standalone', collectedAt, node: { address: seed, reachable: true, info: parseInfo(info), ...(config ? { config } : {}) } };
  }
  let reference: NodeSnapshot | undefined;
  let lastError: unknown;
  // Seeds that failed moments ago are tried last: a frozen first endpoint would otherwise cost every call.
  for (const seed of [...seeds].sort((a, b) => Number(memory.recall(a) !== undefined) - Number(memory.recall(b) !== undefined))) {
    try {
      reference = await memory.watch(seed, probeClusterNode(connection, seed), budget * 2);
      break;
    } catch (error) {
      if (/cluster support disabled/i.test(error instanceof Error ? error.message : '')) throw modeMismatch(connection, seed);
      lastError = error;
    }
  }
  if (!reference) throw lastError;
  const referenceId = reference.id;
  const byKey = new Map<string, NodeSnapshot>([[nodeKey(reference.address), reference]]);
  const ids = new Set(referenceId ? [referenceId] : []);
  // Two rounds: nodes only the other nodes know about (a partition, a forgotten node) are asked too.
  for (let round = 0; round < 2; round++) {
    const fresh = new Map<string, ClusterNodeEntry>();
    for (const entry of [...byKey.values()].flatMap((n) => n.view ?? [])) {
      // One node per id: a node that never met another lists itself as ":PORT" beside the address we used.
      if (ids.has(entry.id) || entry.flags.includes('handshake')) continue;
      ids.add(entry.id);
      fresh.set(entry.id, entry);
    }
    if (fresh.size === 0) break;
    const probed = await Promise.all([...fresh.values()].map((entry) => probeOrRecord(connection, entry, budget)));
    for (const node of probed) byKey.set(node.address.port > 0 ? nodeKey(node.address) : `${node.id ?? ''}@noaddr`, node);
  }
  const nodes = [...byKey.values()];
  if (options.searchKeysInUnownedSlots) await searchKeys(connection, nodes, budget);
  return { mode: 'cluster', collectedAt, reference, nodes };
}

async function probeOrRecord(connection: RedisConnection, entry: ClusterNodeEntry, budget: number): Promise<NodeSnapshot> {
  const address = { host: entry.host, port: entry.port };
  // A replica reset HARD (or a node whose address is unknown) stays listed as `noaddr`: nothing to connect to.
  if (entry.port === 0 || entry.flags.includes('noaddr')) return { address, id: entry.id, reachable: false, failure: 'noaddr' };
  const memory = unreachableNodes(connection.target.id);
  const remembered = memory.recall(address);
  if (remembered !== undefined) {
    memory.recheck(address, () => probeClusterNode(connection, address));
    return { address, id: entry.id, reachable: false, failure: remembered.failure, remembered: true, ...(remembered.info ? { info: remembered.info } : {}) };
  }
  try {
    return await memory.watch(address, probeClusterNode(connection, address), budget);
  } catch (error) {
    const failure = classifyRedisError(error);
    // A loading node answers INFO (not CLUSTER NODES), but the pooled connection waits out the load first.
    const info = failure === 'timeout' || failure === 'connection' ? await loadingInfo(connection, address, budget) : undefined;
    const node: NodeSnapshot = { address, id: entry.id, reachable: false, failure: info ? 'loading' : failure, ...(info ? { info } : {}) };
    memory.remember(address, node.failure ?? failure, info);
    return node;
  }
}

async function loadingInfo(connection: RedisConnection, address: NodeAddress, budget: number): Promise<Record<string, string> | undefined> {
  try {
    const info = parseInfo(await connection.infoOnce(address, Math.min(budget, 250)));
    return info['loading'] === '1' ? info : undefined;
  } catch {
    return undefined;
  }
}

async function probeClusterNode(connection: RedisConnection, address: NodeAddress): Promise<NodeSnapshot> {
  const redis = await connection.node(address);
  const [results, config] = await Promise.all([redis.pipeline().call('CLUSTER', 'NODES').call('CLUSTER', 'INFO').info().exec(), readConfig(redis)]);
  const [nodes, clusterInfo, info] = (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return String(value);
  });
  const view = parseClusterNodes(nodes ?? '');
  const self = selfEntry(view);
  // A node that never met another prints its own address as ":PORT": it is the address we reached it at.
  if (self && self.host === '') {
    self.host = address.host;
    if (self.port === 0) self.port = address.port;
  }
  return {
    address,
    ...(self ? { id: self.id } : {}),
    reachable: true,
    view,
    clusterInfo: parseInfo(clusterInfo ?? ''),
    info: parseInfo(info ?? ''),
    ...(config ? { config } : {}),
  };
}

/** The two settings that decide whether a failed BGSAVE refuses writes; undefined where CONFIG is not allowed. */
async function readConfig(redis: Redis): Promise<Record<string, string> | undefined> {
  try {
    const results = (await redis.pipeline().call('CONFIG', 'GET', 'save').call('CONFIG', 'GET', 'stop-writes-on-bgsave-error').exec()) ?? [];
    const config: Record<string, string> = {};
    for (const [error, value] of results) {
      if (error) return undefined;
      const pair = value as string[];
      if (pair[0] !== undefined) config[pair[0]] = pair[1] ?? '';
    }
    return config;
  } catch {
    return undefined;
  }
}

async function searchKeys(connection: RedisConnection, nodes: NodeSnapshot[], budget: number): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      const self = node.view && selfEntry(node.view);
      if (!node.reachable || !self || self.flags.includes('slave')) return;
      try {
        node.keysInUnownedSlots = await countKeysOutsideOwnSlots(await connection.node(node.address), self, node.info, budget * 2);
      } catch {
        // Best effort: a node that stops answering here is judged by the probe above.
      }
    }),
  );
}

function modeMismatch(connection: RedisConnection, seed: NodeAddress): DomainError {
  return new DomainError(
    'unprocessable',
    'cluster_mode_mismatch',
    `cluster '${connection.target.id}' is registered as '${connection.target.mode}' but ${nodeKey(seed)} is a standalone server (cluster support disabled): register it with mode 'standalone'`,
    [{ field: 'mode', message: `the server at ${nodeKey(seed)} is not a cluster node` }],
  );
}
