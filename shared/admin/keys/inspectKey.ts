import { Cluster, type Redis } from 'ioredis';
import { notFound } from '../../platform/store/DomainError';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnection, RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import type { RedisTarget } from '../../platform/redis/RedisTarget';
import { keySlot } from '../../platform/keyspace/keySlot';
import { describeKey } from './parseKeyParam';

/** `GET /api/clusters/{id}/keys/{key}`. */
export interface KeyInspection {
  clusterId: string;
  key: string;
  keyEncoding: 'utf8' | 'base64';
  /** `TYPE`: string, list, set, zset, hash, stream (or a module type). */
  type: string;
  /** Remaining TTL in ms (`PTTL`), null when the key does not expire. */
  ttlMs: number | null;
  /** `MEMORY USAGE` (sampled for aggregates: 5 elements, Redis' default), null when the command is refused. */
  memoryUsageBytes: number | null;
  /** `OBJECT ENCODING` (listpack, hashtable, int, embstr...). */
  encoding: string | null;
  /** Which access statistic the node's maxmemory-policy keeps: idle time (LRU/none) or a frequency (LFU). */
  accessTracking: 'idle' | 'frequency' | null;
  /** `OBJECT IDLETIME` in seconds (non-LFU policies). */
  idleSeconds: number | null;
  /** `OBJECT FREQ`, the logarithmic access counter (LFU policies only). */
  lfuFrequency: number | null;
  /** Hash slot (`CLUSTER KEYSLOT`); also given for standalone, where it is informational. */
  slot: number;
  /** The node that owns the slot (the server itself in standalone mode). */
  node: { address: string; id: string | null };
}

const LFU_SELECTED = /LFU maxmemory policy is selected/i;
const LFU_NOT_SELECTED = /LFU maxmemory policy is not selected/i;

/**
 * Type, TTL, memory, encoding and idle time or LFU frequency of one key, with its slot and owning node.
 * Read-only and non-touching: none of the commands updates the key's LRU/LFU statistics. A missing key is a
 * `key_not_found` 404.
 * @param manager @default the process-wide pool
 */
export function inspectKey(target: RedisTarget, key: Buffer, manager?: RedisConnectionManager): Promise<KeyInspection> {
  const operation = (connection: RedisConnection): Promise<KeyInspection> => inspectWith(connection, target.id, key);
  return manager ? manager.run(target, operation) : withRedis(target, operation);
}

async function inspectWith(connection: RedisConnection, clusterId: string, key: Buffer): Promise<KeyInspection> {
  const client = await connection.client();
  const results = await client
    .pipeline()
    .call('OBJECT', 'FREQ', key)
    .call('OBJECT', 'IDLETIME', key)
    .type(key)
    .pttl(key)
    .call('MEMORY', 'USAGE', key)
    .call('OBJECT', 'ENCODING', key)
    .exec();
  const [freq, idle, type, pttl, memory, encoding] = results ?? [];
  // A connection failure fails the whole call (and counts against the breaker); a refused command is a null field.
  const value = (entry: [Error | null, unknown] | undefined): unknown => {
    if (!entry) throw new Error('Connection is closed.');
    const [error, result] = entry;
    if (error && !/^(ERR|NOPERM|WRONGTYPE)\b|LFU maxmemory policy/i.test(error.message)) throw error;
    return error ? undefined : result;
  };
  const typeName = String(value(type) ?? 'none');
  const ttl = Number(value(pttl) ?? -2);
  if (typeName === 'none' || ttl === -2) throw notFound('key_not_found', `key not found in cluster '${clusterId}'`);
  const slot = keySlot(key);
  const freqValue = value(freq);
  const idleValue = value(idle);
  const accessTracking = freqValue !== undefined ? 'frequency' : idleValue !== undefined ? 'idle' : null;
  const lfuError = freq?.[0] && LFU_NOT_SELECTED.test(freq[0].message);
  const idleRefused = idle?.[0] && LFU_SELECTED.test(idle[0].message);
  return {
    clusterId,
    ...describeKey(key),
    type: typeName,
    ttlMs: ttl === -1 ? null : ttl,
    memoryUsageBytes: numberOrNull(value(memory)),
    encoding: stringOrNull(value(encoding)),
    accessTracking: accessTracking ?? (lfuError ? 'idle' : idleRefused ? 'frequency' : null),
    idleSeconds: numberOrNull(idleValue),
    lfuFrequency: numberOrNull(freqValue),
    slot,
    node: await ownerOf(client, connection, slot),
  };
}

async function ownerOf(client: Redis | Cluster, connection: RedisConnection, slot: number): Promise<{ address: string; id: string | null }> {
  if (!(client instanceof Cluster)) {
    const seed = connection.seeds[0];
    return { address: seed ? `${seed.host}:${seed.port}` : 'unknown', id: null };
  }
  // After the pipeline the slot map is current (a MOVED reply refreshes it).
  const address = client.slots[slot]?.[0];
  if (address === undefined) return { address: 'unknown', id: null };
  const colon = address.lastIndexOf(':');
  const node = await connection.node({ host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1)) });
  return { address, id: String(await node.call('CLUSTER', 'MYID')) };
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' ? v : v === undefined || v === null ? null : Number.isFinite(Number(v)) ? Number(v) : null;
}

function stringOrNull(v: unknown): string | null {
  return v === undefined || v === null ? null : Buffer.isBuffer(v) ? v.toString() : String(v);
}
