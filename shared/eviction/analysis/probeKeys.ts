import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { KeyFacts } from './AnalysisAggregate';
import { readPageScript } from './readPageScript';

export type AccessTracking = 'idle' | 'frequency';

export interface ProbeOptions {
  /** `MEMORY USAGE … SAMPLES n`: elements sampled in aggregates (0 = all, O(n) per key). @default 5 (Redis' default) */
  memorySamples?: number;
  /** Statistic to read: `OBJECT FREQ` works only under LFU policies, `OBJECT IDLETIME` only under the others. */
  access: AccessTracking;
  /**
   * `script`: one EVAL per page (SCAN/RANDOMKEY and the probe inside Lua: one round trip, no key sent twice);
   * `pipeline`: SCAN or RANDOMKEYs, then 4 commands a key in one pipeline. A node that refuses the script (EVAL
   * disabled, ACL) falls back to the pipeline. @default 'script'
   */
  probe?: 'script' | 'pipeline';
}

/** What to read: the next SCAN page from `cursor`, or `count` random keys. */
export type PageRequest = { kind: 'scan'; cursor: string; count: number } | { kind: 'random'; count: number };

export interface Page {
  /** Next SCAN cursor (`'0'` when done, and for random pages). */
  cursor: string;
  facts: KeyFacts[];
}

const scriptSha = createHash('sha1').update(readPageScript).digest('hex');
/** Node clients that refused the script: probed with pipelines from then on. */
const scriptRefused = new WeakSet<Redis>();

/** The access statistic a node keeps, from its `maxmemory_policy` (INFO works on Azure, CONFIG GET does not). */
export async function nodeAccessTracking(redis: Redis): Promise<{ policy: string; access: AccessTracking }> {
  const info = String(await redis.info('memory'));
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'noeviction';
  return { policy, access: policy.includes('lfu') ? 'frequency' : 'idle' };
}

/**
 * One page of keys with TYPE, PTTL, MEMORY USAGE and OBJECT IDLETIME/FREQ each. None of these commands touches the
 * keys' LRU/LFU statistics. Keys deleted in the meantime come back with type `none`.
 */
export async function readPage(redis: Redis, page: PageRequest, options: ProbeOptions): Promise<Page> {
  if ((options.probe ?? 'script') === 'script' && !scriptRefused.has(redis)) {
    try {
      return await readWithScript(redis, page, options);
    } catch (error) {
      // Only a reply error (script refused) falls back; a broken connection must fail the call.
      if (!(error instanceof Error) || error.name !== 'ReplyError') throw error;
      scriptRefused.add(redis);
    }
  }
  return readWithPipeline(redis, page, options);
}

async function readWithScript(redis: Redis, page: PageRequest, options: ProbeOptions): Promise<Page> {
  const selector = page.kind === 'scan' ? ['scan', page.cursor, String(page.count)] : ['random', String(page.count)];
  const args = [String(options.memorySamples ?? 5), options.access === 'frequency' ? 'FREQ' : 'IDLETIME', ...selector];
  let reply: unknown;
  try {
    reply = await redis.callBuffer('EVALSHA', scriptSha, '0', ...args);
  } catch (error) {
    if (!(error instanceof Error) || !/^NOSCRIPT/.test(error.message)) throw error;
    reply = await redis.callBuffer('EVAL', readPageScript, '0', ...args);
  }
  const flat = reply as (Buffer | number)[];
  if (!Array.isArray(flat) || flat.length % 5 !== 1) throw new Error('page script returned an unexpected reply');
  const facts: KeyFacts[] = [];
  for (let i = 1; i < flat.length; i += 5) {
    const memory = Number(flat[i + 3]);
    const access = Number(flat[i + 4]);
    facts.push({
      key: flat[i] as Buffer,
      type: String(flat[i + 1]),
      pttlMs: Number(flat[i + 2]),
      memoryBytes: memory < 0 ? null : memory,
      idleSeconds: options.access === 'idle' && access >= 0 ? access : null,
      lfuFrequency: options.access === 'frequency' && access >= 0 ? access : null,
    });
  }
  return { cursor: String(flat[0]), facts };
}

async function readWithPipeline(redis: Redis, page: PageRequest, options: ProbeOptions): Promise<Page> {
  let cursor = '0';
  let keys: Buffer[];
  if (page.kind === 'scan') {
    const [next, found] = await redis.scanBuffer(page.cursor, 'COUNT', String(page.count));
    [cursor, keys] = [next.toString(), found];
  } else {
    const draws = redis.pipeline();
    for (let i = 0; i < page.count; i++) draws.randomkeyBuffer();
    keys = ((await draws.exec()) ?? []).map(([error, key]) => (error ? null : (key as Buffer | null))).filter((k): k is Buffer => k !== null);
  }
  return { cursor, facts: await probeWithPipeline(redis, keys, options) };
}

async function probeWithPipeline(redis: Redis, keys: readonly Buffer[], options: ProbeOptions): Promise<KeyFacts[]> {
  if (keys.length === 0) return [];
  const samples = String(options.memorySamples ?? 5);
  const accessCommand = options.access === 'frequency' ? 'FREQ' : 'IDLETIME';
  const pipeline = redis.pipeline();
  for (const key of keys) {
    pipeline.type(key).pttl(key).call('MEMORY', 'USAGE', key, 'SAMPLES', samples).call('OBJECT', accessCommand, key);
  }
  const results = (await pipeline.exec()) ?? [];
  if (results.length !== keys.length * 4) throw new Error('Connection is closed.');
  return keys.map((key, i) => {
    const [type, pttl, memory, access] = results.slice(i * 4, i * 4 + 4) as [[Error | null, unknown], [Error | null, unknown], [Error | null, unknown], [Error | null, unknown]];
    // A reply error for one key (deleted meanwhile, refused command) must not sink the batch; a closed connection does.
    const value = (entry: [Error | null, unknown]): unknown => (entry[0] ? null : entry[1]);
    const accessValue = value(access);
    return {
      key,
      type: type[0] ? 'none' : String(type[1]),
      pttlMs: Number(value(pttl) ?? -2),
      memoryBytes: typeof value(memory) === 'number' ? (value(memory) as number) : null,
      idleSeconds: options.access === 'idle' && typeof accessValue === 'number' ? accessValue : null,
      lfuFrequency: options.access === 'frequency' && typeof accessValue === 'number' ? accessValue : null,
    };
  });
}
