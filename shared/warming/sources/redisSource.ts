import { globMatcher } from '../../platform/keyspace/redisGlob';
import type { RedisTarget } from '../../platform/redis/RedisTarget';
import { withRedis } from '../../platform/redis/redisConnections';
import type { DumpRecord } from '../WarmWriter';
import { sourceNodes } from './sourceNodes';
import type { DumpSourceReader } from './WarmSourceReader';

/** Where a Redis-to-Redis copy resumes: the shard (by index and address) and its SCAN cursor. */
export interface RedisSourcePosition {
  node: number;
  address: string;
  cursor: string;
}

export interface RedisSourceOptions {
  pattern: string;
  readFrom: 'master' | 'replica';
  /** TTL for keys that have none in the source (the namespace TTL with jitter), or null to keep them persistent. */
  ttlForPersistent: () => number | null;
  /** SCAN COUNT. @default 1000 */
  scanCount?: number;
}

/** Up to this many keys on a node are counted exactly (SCAN MATCH); above, matches are estimated from a sample. @default 2000 */
const countExactlyUpTo = 2000;
/** RANDOMKEY draws per node for the estimate (95 % bound ≈ ±2·√(p(1−p)/256) of the node's keys, ≤ ±6.3 %). @default 256 */
const sampleDraws = 256;

/**
 * Another cluster (a warm one, or its replicas) as a source: SCAN MATCH on every shard, then pipelined
 * `DUMP` + `PTTL` per batch; each key is restored with its remaining TTL. Keys that expire in between are
 * counted as gone. Replica reads send READONLY first (cluster replicas otherwise redirect).
 */
export function redisSource(target: RedisTarget, options: RedisSourceOptions): DumpSourceReader {
  return {
    kind: 'dump',
    describe: `cluster '${target.id}' keys ${options.pattern}`,
    /**
     * Keys matching the pattern on the nodes read: DBSIZE for `*`; on a node with few keys a SCAN MATCH count; else
     * DBSIZE × the share of RANDOMKEY draws that match. An estimate either way (keys come and go while the job runs).
     */
    async estimateRecords() {
      const matches = globMatcher(options.pattern);
      return withRedis(target, async (c) => {
        let total = 0;
        for (const { address, replica } of await sourceNodes(c, options.readFrom)) {
          const client = await c.node(address);
          if (replica) await client.call('READONLY');
          const dbsize = Number(await client.call('DBSIZE'));
          if (options.pattern === '*' || dbsize === 0) {
            total += dbsize;
          } else if (dbsize <= countExactlyUpTo) {
            let cursor = '0';
            do {
              const [next, keys] = await client.scanBuffer(cursor, 'MATCH', options.pattern, 'COUNT', 1000);
              total += keys.length;
              cursor = String(next);
            } while (cursor !== '0');
          } else {
            const pipeline = client.pipeline();
            for (let i = 0; i < sampleDraws; i++) pipeline.randomkeyBuffer();
            const keys = ((await pipeline.exec()) ?? []).map(([, key]) => key).filter((key): key is Buffer => Buffer.isBuffer(key));
            if (keys.length > 0) total += (dbsize * keys.filter((key) => matches(key)).length) / keys.length;
          }
        }
        return Math.round(total);
      });
    },
    async *read(from) {
      const nodes = await withRedis(target, (c) => sourceNodes(c, options.readFrom));
      const start = from as RedisSourcePosition | null;
      let node = start?.node ?? 0;
      const resumeAt = nodes[node];
      // A shard whose node changed since the checkpoint (failover) is scanned again from 0: NX makes that harmless.
      let cursor = start && resumeAt && addressOf(resumeAt.address) === start.address ? start.cursor : '0';
      while (node < nodes.length) {
        const { address, replica } = nodes[node] as (typeof nodes)[number];
        const batch = await withRedis(target, async (c) => {
          const client = await c.node(address);
          if (replica) await client.call('READONLY');
          const [next, keys] = await client.scanBuffer(cursor, 'MATCH', options.pattern, 'COUNT', options.scanCount ?? 1000);
          const pipeline = client.pipeline();
          for (const key of keys) pipeline.dumpBuffer(key).pttl(key);
          const replies = keys.length > 0 ? ((await pipeline.exec()) ?? []) : [];
          const records: DumpRecord[] = [];
          let gone = 0;
          keys.forEach((key, i) => {
            const [dumpError, dump] = replies[i * 2] ?? [null, null];
            const [, pttl] = replies[i * 2 + 1] ?? [null, -2];
            if (dumpError || !Buffer.isBuffer(dump) || Number(pttl) === -2) gone += 1;
            else records.push({ key, dump, ttlMs: Number(pttl) === -1 ? options.ttlForPersistent() : Number(pttl) });
          });
          return { next: String(next), records, gone };
        });
        cursor = batch.next;
        const done = cursor === '0';
        const position: RedisSourcePosition = done ? { node: node + 1, address: nodes[node + 1] ? addressOf(nodes[node + 1]!.address) : '', cursor: '0' } : { node, address: addressOf(address), cursor };
        if (done) node += 1;
        yield { records: batch.records, gone: batch.gone, position };
      }
    },
  };
}

function addressOf(a: { host: string; port: number }): string {
  return `${a.host}:${a.port}`;
}
