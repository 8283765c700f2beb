import { Cluster } from 'ioredis';
import { connectWithin } from './connectWithin';
import { baseRedisOptions } from './openNodeClient';
import type { RedisAuth } from './resolveRedisAuth';
import type { RedisClientSettings } from './RedisClientSettings';
import type { RedisTarget } from './RedisTarget';

/**
 * An ioredis Cluster client for the registration, connected before it is returned. The ready check is off on
 * purpose: it refuses a cluster whose `cluster_state` is `fail`, and those are exactly the clusters an
 * operator needs to inspect. Commands never wait in an offline queue.
 */
export async function openClusterClient(target: RedisTarget, auth: RedisAuth, settings: RedisClientSettings): Promise<Cluster> {
  const cluster = new Cluster(
    target.endpoints.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: true,
      enableReadyCheck: false,
      enableOfflineQueue: false,
      slotsRefreshTimeout: settings.slotsRefreshTimeoutMs,
      maxRedirections: 16,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      redisOptions: { ...baseRedisOptions(target, auth, settings), connectionName: 'rcm' },
      // With TLS, keep node hostnames as given so the certificate matches.
      ...(target.tls.enabled ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
    },
  );
  cluster.on('error', () => undefined);
  if (auth.kind === 'entra') auth.tokenAuth.attachCluster(cluster);
  return connectWithin(cluster, settings.connectTimeoutMs + settings.slotsRefreshTimeoutMs, `cluster ${target.id}`);
}
