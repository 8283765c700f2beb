import { Redis } from 'ioredis';

/** A decoded reply as ioredis gives it (status and bulk strings, integers, arrays, nil). Errors are not values: they reject. */
export type RespValue = string | number | null | RespValue[];

export interface RedisCommandOptions {
  /** Sent as AUTH on the same connection first. @default none */
  password?: string;
  /** Connect and command timeout. @default 2000 */
  timeoutMs?: number;
}

/**
 * Sends one command on a fresh ioredis connection (the client the app uses, so there is one RESP codec in the
 * project) and resolves with the reply; a Redis error rejects. No reconnect, no offline queue and a hard timeout:
 * the spawners use it to probe servers that may not be up yet.
 */
export async function redisCommand(host: string, port: number, args: string[], options: RedisCommandOptions = {}): Promise<RespValue> {
  const [command, ...rest] = args;
  if (command === undefined) throw new Error('redisCommand: no command');
  const timeoutMs = options.timeoutMs ?? 2000;
  const client = new Redis({
    host,
    port,
    ...(options.password !== undefined ? { password: options.password } : {}),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
  });
  client.on('error', () => {}); // the awaited call reports it; an unhandled 'error' event would only add noise
  try {
    await client.connect();
    return (await client.call(command, ...rest)) as RespValue;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`redis ${host}:${port} ${command}: ${reason}`, { cause: error });
  } finally {
    client.disconnect();
  }
}

/** `redisCommand` for replies that are text (status, bulk string, INFO). */
export async function redisText(host: string, port: number, args: string[], options?: RedisCommandOptions): Promise<string> {
  return String(await redisCommand(host, port, args, options));
}

/** Parses `INFO` / `CLUSTER INFO` text into a field map. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
