import type { Redis } from 'ioredis';
import { classifyRedisError } from '../../platform/redis/classifyRedisError';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { nodeKey, type NodeAddress } from '../../platform/redis/RedisTarget';
import { parseClusterNodes, type ClusterNodeEntry } from '../../platform/topology/parseClusterNodes';
import { parseInfo } from '../../platform/topology/parseInfo';
import { countSlots } from '../../platform/topology/slotRanges';
import { unreachableSample, type NodeSample } from './NodeSample';
import { readNodeSample } from './readNodeSample';
import { StepTimeoutError, withTimeout } from './withTimeout';

/** The only node of a standalone cache did not answer; `reason` is the classified failure. */
export class NodeUnreachableError extends Error {
  constructor(
    node: string,
    readonly reason: string,
  ) {
    super(`${node} is unreachable (${reason})`);
    this.name = 'NodeUnreachableError';
  }
}

export interface CollectOptions {
  /** Time one node may take, connect included. */
  nodeTimeoutMs: number;
  /** Newest SLOWLOG entries to read. */
  slowlogEntries: number;
}

/** What a node is before it is asked: identity and place in the cluster (from `CLUSTER NODES`). */
export type NodePlace = Pick<NodeSample, 'node' | 'nodeId' | 'role' | 'shard' | 'master' | 'slotCount'>;

export interface ClusterCollection {
  mode: 'standalone' | 'cluster';
  samples: NodeSample[];
}

/**
 * Samples every node of a cluster concurrently, each bounded by `nodeTimeoutMs`: `CLUSTER NODES` from the first
 * endpoint that answers lists the nodes (failed ones included), then each node is asked for PING (round trip),
 * `INFO everything`, `CLUSTER INFO`, `LATENCY LATEST`, `SLOWLOG LEN` and the newest `SLOWLOG GET` entries in one
 * pipeline. A node that does not answer in time yields an unreachable sample and never delays the others.
 * Throws only when no endpoint answers at all (the caller records every known node as unreachable).
 */
export async function collectCluster(connection: RedisConnection, options: CollectOptions): Promise<ClusterCollection> {
  const mode = await withTimeout(connection.topologyMode(), options.nodeTimeoutMs, 'topology mode');
  if (mode === 'standalone') {
    const seed = connection.seeds[0];
    if (!seed) throw new Error('no endpoints registered');
    const place: NodePlace = { node: nodeKey(seed), nodeId: null, role: 'master', shard: 'standalone', master: null, slotCount: 0 };
    const sample = await collectNode(connection, seed, place, options, false);
    // A standalone cache that does not answer is a cluster-level failure: it counts against the circuit breaker.
    if (!sample.reachable) throw new NodeUnreachableError(place.node, sample.error ?? 'connection');
    return { mode, samples: [sample] };
  }
  const view = await discover(connection, options.nodeTimeoutMs);
  const places = placesFromView(view);
  const samples = await Promise.all(places.map(({ place, address }) => collectNode(connection, address, place, options, true)));
  return { mode, samples };
}

async function discover(connection: RedisConnection, timeoutMs: number): Promise<ClusterNodeEntry[]> {
  let lastError: unknown = new Error('no endpoints registered');
  for (const seed of connection.seeds) {
    try {
      const text = await withTimeout(connection.node(seed).then((r) => r.call('CLUSTER', 'NODES')), timeoutMs, `CLUSTER NODES from ${nodeKey(seed)}`);
      return parseClusterNodes(String(text));
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Node identities and shards from one node's `CLUSTER NODES` (addressable nodes only). */
export function placesFromView(view: readonly ClusterNodeEntry[]): { place: NodePlace; address: NodeAddress }[] {
  const byId = new Map(view.map((e) => [e.id, e] as const));
  return view
    .filter((e) => e.port > 0 && !e.flags.includes('noaddr') && !e.flags.includes('handshake'))
    .map((e) => {
      const replica = e.flags.includes('slave');
      const master = replica && e.masterId ? byId.get(e.masterId) : undefined;
      const address = { host: e.host, port: e.port };
      return {
        address,
        place: {
          node: nodeKey(address),
          nodeId: e.id,
          role: replica ? 'replica' : 'master',
          shard: replica ? (e.masterId ?? e.id) : e.id,
          master: master ? nodeKey(master) : null,
          slotCount: countSlots(e.slots),
        },
      };
    });
}

async function collectNode(connection: RedisConnection, address: NodeAddress, place: NodePlace, options: CollectOptions, clustered: boolean): Promise<NodeSample> {
  const started = performance.now();
  const at = Date.now();
  try {
    return await withTimeout(askNode(connection, address, place, options, clustered, started, at), options.nodeTimeoutMs, place.node);
  } catch (error) {
    const reason = error instanceof StepTimeoutError ? 'timeout' : classifyRedisError(error);
    return unreachableSample(place, at, reason, performance.now() - started);
  }
}

async function askNode(connection: RedisConnection, address: NodeAddress, place: NodePlace, options: CollectOptions, clustered: boolean, started: number, at: number): Promise<NodeSample> {
  const redis: Redis = await connection.node(address);
  const pingStarted = performance.now();
  await redis.ping();
  const rttMs = performance.now() - pingStarted;
  const pipeline = redis.pipeline().info('everything');
  if (clustered) pipeline.call('CLUSTER', 'INFO');
  pipeline.call('LATENCY', 'LATEST').call('SLOWLOG', 'LEN');
  if (options.slowlogEntries > 0) pipeline.call('SLOWLOG', 'GET', options.slowlogEntries);
  const results = (await pipeline.exec()) ?? [];
  const value = (i: number): unknown => (results[i]?.[0] ? null : results[i]?.[1]);
  const infoError = results[0]?.[0];
  if (infoError) throw infoError;
  let i = 1;
  const clusterInfo = clustered ? value(i++) : null;
  const latencyLatest = value(i++);
  const slowlogLength = value(i++);
  const slowlogEntries = options.slowlogEntries > 0 ? value(i) : [];
  const read = readNodeSample({
    info: parseInfo(String(value(0))),
    clusterInfo: typeof clusterInfo === 'string' ? parseInfo(clusterInfo) : null,
    latencyLatest,
    slowlogLength,
    slowlogEntries,
  });
  // The node's own INFO is fresher than the reference node's view (a failover may not have spread yet).
  return { ...place, role: read.masterLinkUp === null ? 'master' : 'replica', at, durationMs: performance.now() - started, rttMs, ...read };
}
