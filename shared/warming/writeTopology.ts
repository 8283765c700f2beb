import type { Cluster, Redis } from 'ioredis';
import { azureCredential } from '../platform/config/azureCredential';
import { resolveRedisAuth } from '../platform/redis/resolveRedisAuth';
import type { RedisTarget } from '../platform/redis/RedisTarget';
import { withRedis } from '../platform/redis/redisConnections';
import type { RawNodeOptions } from './resp/RawNode';
import type { WriteTopology } from './WarmWriter';

/**
 * The masters of a registered cluster and which slots each one owns (`CLUSTER SLOTS` through the pooled client,
 * so breaker and bulkhead apply), with the registration's credentials resolved for the raw write sockets.
 */
export async function writeTopology(target: RedisTarget): Promise<WriteTopology> {
  const auth = await resolveRedisAuth(target, { credentialFor: (clientId) => azureCredential(clientId) });
  const credentials = auth.kind === 'entra' ? { username: auth.tokenAuth.username, password: auth.tokenAuth.password } : { username: auth.username, password: auth.password };
  const nodeDefaults: Omit<RawNodeOptions, 'host' | 'port'> = {
    tls: target.tls,
    ...(credentials.username === undefined ? {} : { username: credentials.username }),
    ...(credentials.password === undefined ? {} : { password: credentials.password }),
  };
  if (auth.kind === 'entra') auth.tokenAuth.stop();
  const ranges = await withRedis(target, async (c) => ((await c.topologyMode()) === 'cluster' ? clusterSlots(await c.client()) : null));
  if (ranges === null) {
    const seed = target.endpoints[0];
    if (!seed) throw new Error(`cluster '${target.id}' has no endpoint`);
    return { masters: [{ ...nodeDefaults, host: seed.host, port: seed.port }], slotOwner: null, nodeDefaults };
  }
  const masters: RawNodeOptions[] = [];
  const index = new Map<string, number>();
  const slotOwner = new Int16Array(16384).fill(0);
  for (const [start, end, host, port] of ranges) {
    const address = `${host}:${port}`;
    let i = index.get(address);
    if (i === undefined) {
      i = masters.length;
      index.set(address, i);
      masters.push({ ...nodeDefaults, host, port });
    }
    slotOwner.fill(i, start, end + 1);
  }
  return { masters, slotOwner, nodeDefaults };
}

async function clusterSlots(client: Redis | Cluster): Promise<[number, number, string, number][]> {
  const reply = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
  return reply.map(([start, end, [host, port]]) => [start, end, host, port]);
}
