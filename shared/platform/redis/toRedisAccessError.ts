import { classifyRedisError } from './classifyRedisError';
import { RedisAccessError } from './redisErrors';

const SOCKET_CODES = /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|ETIMEDOUT)\b/;

/**
 * Maps anything ioredis throws to a `RedisAccessError`. The message is composed here from the classified
 * failure and at most the reply's error prefix (`WRONGPASS`, `CLUSTERDOWN`) or socket code: ioredis errors
 * carry the command and its arguments (the AUTH password, key names), so their text is never passed on.
 */
export function toRedisAccessError(error: unknown, clusterId: string): RedisAccessError {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = /^([A-Z][A-Z_]{2,})\b/.exec(message)?.[1];
  const socket = SOCKET_CODES.exec(message)?.[1];
  const details = { clusterId };
  // ioredis' parser gives up on the first byte that is not RESP: whatever answers there, it is not Redis.
  if (/^Protocol error, got /.test(message)) {
    return new RedisAccessError('redis_not_a_redis_server', `cluster '${clusterId}': the endpoint answered, but not as a Redis server (not RESP: another service on that port, or TLS spoken in clear)`, details);
  }
  switch (classifyRedisError(error)) {
    case 'timeout':
      return new RedisAccessError('redis_timeout', `cluster '${clusterId}' did not answer in time`, details);
    case 'connection':
      return new RedisAccessError('redis_unavailable', `cluster '${clusterId}' is unreachable (${socket ?? prefix ?? 'connection closed'})`, details);
    case 'cluster_down':
      return new RedisAccessError('redis_unavailable', `cluster '${clusterId}' reports CLUSTERDOWN`, details);
    case 'auth':
      return new RedisAccessError('redis_auth_failed', `cluster '${clusterId}' rejected the credentials (${prefix ?? 'AUTH failed'})`, details);
    case 'reply':
      return new RedisAccessError('redis_command_failed', `cluster '${clusterId}' refused a command (${prefix ?? 'error'})`, details);
  }
}
