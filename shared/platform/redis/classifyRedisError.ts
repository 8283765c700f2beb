/** What kind of failure an error from ioredis (or the socket under it) is. */
export type RedisFailureKind = 'timeout' | 'connection' | 'auth' | 'cluster_down' | 'reply';

const TIMEOUT = /timed? ?out|ETIMEDOUT/i;
const CONNECTION =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection is closed|Stream isn't writeable|None of startup nodes|isn't ready|Failed to refresh slots cache|Too many Cluster redirections|max retries per request|LOADING|MASTERDOWN|READONLY You can't write/i;
const AUTH = /^(WRONGPASS|NOAUTH|NOPERM)\b|invalid (username-)?password|called without any password configured/i;
const CLUSTER_DOWN = /^CLUSTERDOWN\b/;

/**
 * Classifies an error so the breaker counts only infrastructure failures (a WRONGTYPE reply is the data's
 * business, not a sign of a dead cluster) and the API can say which it was.
 */
export function classifyRedisError(error: unknown): RedisFailureKind {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (AUTH.test(message)) return 'auth';
  if (CLUSTER_DOWN.test(message)) return 'cluster_down';
  if (TIMEOUT.test(message) || code === 'ETIMEDOUT') return 'timeout';
  if (CONNECTION.test(message) || CONNECTION.test(code)) return 'connection';
  return 'reply';
}

/** True for failures that say the cluster (not the request) is in trouble: they count against the breaker. */
export function isInfrastructureFailure(kind: RedisFailureKind): boolean {
  return kind !== 'reply';
}
