import type { Cluster, Redis } from 'ioredis';
import { classifyRedisError } from './classifyRedisError';

/**
 * Connects a lazily created client, giving up after `timeoutMs` (ioredis would otherwise keep retrying in
 * the background); on failure the client is disconnected so no reconnect loop outlives the call.
 * A rejected AUTH is reported as such (ioredis only emits it and then fails its ready check).
 */
export async function connectWithin<T extends Redis | Cluster>(client: T, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((error: Error) => void) | undefined;
  let lastError: Error | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`connect to ${what} timed out after ${timeoutMs} ms`)), timeoutMs);
    onError = (error) => {
      // A Cluster's "Failed to refresh slots cache." carries the node's own error (a timeout, a refusal).
      lastError = (error as Error & { lastNodeError?: Error }).lastNodeError ?? error;
      if (classifyRedisError(error) === 'auth') reject(error);
    };
    client.on('error', onError);
  });
  try {
    await Promise.race([client.connect(), timeout]);
    return client;
  } catch (error) {
    client.disconnect();
    // ioredis rejects with a bare "Connection is closed." / "None of startup nodes"; the cause came as an event.
    throw lastError !== undefined && error instanceof Error && !/timed out/.test(error.message) ? lastError : error;
  } finally {
    clearTimeout(timer);
    if (onError) client.off('error', onError);
  }
}
