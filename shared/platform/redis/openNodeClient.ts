import { Redis, type RedisOptions } from 'ioredis';
import { connectWithin } from './connectWithin';
import type { RedisAuth } from './resolveRedisAuth';
import type { RedisClientSettings } from './RedisClientSettings';
import { nodeKey, type NodeAddress, type RedisTarget } from './RedisTarget';

/** ioredis options shared by node and cluster connections: TLS (SNI), ACL user, password or Entra token. */
export function baseRedisOptions(target: RedisTarget, auth: RedisAuth, settings: RedisClientSettings): RedisOptions {
  const credentials =
    auth.kind === 'entra'
      ? { username: auth.tokenAuth.username, password: auth.tokenAuth.password }
      : { ...(auth.username === undefined ? {} : { username: auth.username }), ...(auth.password === undefined ? {} : { password: auth.password }) };
  return {
    ...credentials,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    maxRetriesPerRequest: settings.maxRetriesPerRequest,
    // Cluster nodes announce IPs; the certificate names the registered host.
    ...(target.tls.enabled ? { tls: { servername: target.tls.servername ?? target.endpoints[0]?.host } } : {}),
  };
}

/**
 * A direct connection to one node (no redirects): connected before it is returned, never reconnecting
 * (a dropped connection ends and the pool opens a new one on the next call) and, once connected, with the
 * offline queue off so a command on a broken connection fails at once instead of waiting.
 */
export async function openNodeClient(address: NodeAddress, target: RedisTarget, auth: RedisAuth, settings: RedisClientSettings): Promise<Redis> {
  const redis = new Redis({
    ...baseRedisOptions(target, auth, settings),
    host: address.host,
    port: address.port,
    lazyConnect: true,
    retryStrategy: () => null,
    connectionName: 'rcm',
  });
  // Errors reach the caller through the failed command; without a listener ioredis would print them.
  redis.on('error', () => undefined);
  if (auth.kind === 'entra') auth.tokenAuth.attach(redis);
  await connectWithin(redis, settings.connectTimeoutMs, nodeKey(address));
  redis.options.enableOfflineQueue = false;
  return redis;
}
