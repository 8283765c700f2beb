import type { Cluster, Redis } from 'ioredis';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import type { NodeAddress } from '../../platform/redis/RedisTarget';

/**
 * The nodes to read a whole keyspace from: one per shard — its master, or (readFrom replica) a replica of it when
 * one is listed — sorted by address so positions stay meaningful across chunks. Standalone: the first endpoint.
 */
export async function sourceNodes(c: RedisConnection, readFrom: 'master' | 'replica'): Promise<{ address: NodeAddress; replica: boolean }[]> {
  if ((await c.topologyMode()) !== 'cluster') {
    const seed = c.seeds[0];
    if (!seed) throw new Error('the cluster has no endpoint');
    return [{ address: seed, replica: false }];
  }
  const client: Redis | Cluster = await c.client();
  const slots = (await client.call('CLUSTER', 'SLOTS')) as [number, number, ...[string, number, ...unknown[]][]][];
  const shards = new Map<string, { address: NodeAddress; replica: boolean }>();
  for (const [, , master, ...replicas] of slots) {
    if (!master) continue;
    const key = `${master[0]}:${master[1]}`;
    if (shards.has(key)) continue;
    const replica = readFrom === 'replica' ? replicas[0] : undefined;
    shards.set(key, replica ? { address: { host: replica[0], port: replica[1] }, replica: true } : { address: { host: master[0], port: master[1] }, replica: false });
  }
  return [...shards.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
}
