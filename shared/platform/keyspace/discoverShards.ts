import type { RedisConnection } from '../redis/RedisConnectionManager';
import { nodeKey, type NodeAddress } from '../redis/RedisTarget';

/** One master and what it owns now. `slot` (its lowest) names the shard across failovers. */
export interface Shard {
  shard: string;
  /** Lowest slot owned (cluster), null for a standalone server. */
  slot: number | null;
  /** Cluster node id of the master (changes on failover), null standalone. */
  nodeId: string | null;
  address: NodeAddress;
  /** Slots owned: [start, end] inclusive ranges. */
  ranges: Array<[number, number]>;
  replicas: number;
}

/**
 * The masters of the cluster: the standalone server itself, or every master in `CLUSTER SLOTS` as answered by the
 * first node that answers (previously known masters first, then the registered endpoints), so a dead master
 * (failover in progress) does not stop discovery.
 */
export async function discoverShards(connection: RedisConnection, known: readonly NodeAddress[] = []): Promise<Shard[]> {
  if ((await connection.topologyMode()) === 'standalone') {
    const address = connection.seeds[0];
    if (!address) throw new Error(`cluster '${connection.target.id}' has no endpoints`);
    return [{ shard: 'standalone', slot: null, nodeId: null, address, ranges: [], replicas: 0 }];
  }
  const candidates = new Map<string, NodeAddress>();
  for (const address of [...known, ...connection.seeds]) candidates.set(nodeKey(address), address);
  let lastError: unknown;
  for (const address of candidates.values()) {
    try {
      const reply = (await (await connection.node(address)).call('CLUSTER', 'SLOTS')) as unknown[];
      const shards = shardsFromSlots(reply, address.host);
      if (shards.length > 0) return shards;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error('no node answered CLUSTER SLOTS');
}

/** Groups `CLUSTER SLOTS` ranges by master. An empty announced IP means "the address you asked". */
export function shardsFromSlots(reply: unknown[], askedHost: string): Shard[] {
  const byId = new Map<string, Shard>();
  for (const entry of reply) {
    const [start, end, master, ...replicas] = entry as [number, number, [string, number, string], ...unknown[]];
    const id = String(master[2]);
    let shard = byId.get(id);
    if (!shard) {
      shard = { shard: '', slot: start, nodeId: id, address: { host: master[0] || askedHost, port: Number(master[1]) }, ranges: [], replicas: replicas.length };
      byId.set(id, shard);
    }
    shard.ranges.push([Number(start), Number(end)]);
    shard.slot = Math.min(shard.slot ?? start, Number(start));
  }
  return [...byId.values()].map((s) => ({ ...s, shard: `s${String(s.slot).padStart(5, '0')}` })).sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
}

/** The shard that owns `slot` now. */
export function ownerOf(shards: readonly Shard[], slot: number): Shard | undefined {
  return shards.find((s) => s.ranges.some(([lo, hi]) => slot >= lo && slot <= hi));
}
