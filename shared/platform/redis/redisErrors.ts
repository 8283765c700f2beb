import { DomainError } from '../store/DomainError';
import type { CircuitSnapshot } from './CircuitBreaker';

/**
 * Why a Redis call failed, as the API reports it. `kind: 'unavailable'` maps to 503; the problem body carries
 * `details` (the circuit state, the bulkhead, the cluster id). Messages never hold a secret: they are built
 * here from a classified cause, not copied from ioredis (whose errors carry the command arguments, AUTH included).
 */
export class RedisAccessError extends DomainError {
  constructor(
    code: RedisErrorCode,
    message: string,
    readonly details: RedisErrorDetails,
  ) {
    super(code === 'redis_command_failed' || code === 'redis_not_a_redis_server' ? 'unprocessable' : 'unavailable', code, message);
    this.name = 'RedisAccessError';
  }
}

export type RedisErrorCode =
  | 'redis_unavailable'
  | 'redis_timeout'
  | 'redis_auth_failed'
  | 'redis_secret_unresolved'
  | 'redis_circuit_open'
  | 'redis_busy'
  | 'redis_command_failed'
  /** The endpoint answered, but not in RESP (an HTTP server, a TLS port spoken to in clear, another service). */
  | 'redis_not_a_redis_server';

export interface RedisErrorDetails {
  clusterId: string;
  circuit?: CircuitSnapshot;
  /** Seconds after which a retry may succeed (circuit cool-down, bulkhead), for `Retry-After`. */
  retryAfterSeconds?: number;
}

/** Type guard (shape based, survives duplicate module copies). */
export function isRedisAccessError(error: unknown): error is RedisAccessError {
  return error instanceof Error && error.name === 'RedisAccessError' && 'details' in error;
}
