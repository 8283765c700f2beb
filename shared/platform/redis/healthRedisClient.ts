import type { Redis } from 'ioredis';

const clients = new Map<string, Promise<Redis>>();

/**
 * One pooled connection per URL, reused across invocations, for the health probe only (cluster connections
 * are the connection manager's job). Bounded: connect and every command time out; it never queues forever.
 */
export async function healthRedisClient(url: string, timeoutMs: number): Promise<Redis> {
  let client = clients.get(url);
  if (!client) {
    client = import('ioredis').then(({ Redis }) => {
      const redis = new Redis(url, {
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
        retryStrategy: (attempt) => Math.min(attempt * 250, 2000),
      });
      // Errors surface on the command that hit them; without a listener ioredis prints every reconnect error.
      redis.on('error', () => undefined);
      return redis;
    });
    clients.set(url, client);
  }
  return client;
}

/** `host:port` of a Redis URL, never its user or password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'invalid REDIS_URL';
  }
}

/** Closes pooled health connections (host shutdown, tests). */
export async function closeHealthRedisClients(): Promise<void> {
  const pending = [...clients.values()];
  clients.clear();
  await Promise.all(pending.map(async (p) => (await p).quit().catch(() => undefined)));
}
