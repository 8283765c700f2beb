import type { Cluster, Redis } from 'ioredis';
import { RedisConnectionManager, type RedisConnection, type RunOptions } from './RedisConnectionManager';
import type { RedisTarget } from './RedisTarget';

/** The process-wide connection manager every function uses (pooled across invocations). */
export const redisConnections = new RedisConnectionManager();

/** Runs `operation` on the cluster's pooled connections with breaker, bulkhead and time bound. */
export function withRedis<T>(target: RedisTarget, operation: (connection: RedisConnection) => Promise<T>, options?: RunOptions): Promise<T> {
  return redisConnections.run(target, operation, options);
}

/** `withRedis` for a read every concurrent caller can share (single flight per cluster and `key`). */
export function withSharedRead<T>(target: RedisTarget, key: string, operation: (connection: RedisConnection) => Promise<T>, options?: RunOptions): Promise<T> {
  return redisConnections.runShared(target, key, operation, options);
}

/** The pooled routing client (`Redis` or `Cluster`) of a cluster, opened through the breaker and bulkhead. */
export function getConnection(target: RedisTarget): Promise<Redis | Cluster> {
  return redisConnections.run(target, (connection) => connection.client());
}
