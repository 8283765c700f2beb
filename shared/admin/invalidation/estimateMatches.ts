import type { Redis } from 'ioredis';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { discoverShards } from '../../platform/keyspace/discoverShards';
import { globMatch } from '../../platform/keyspace/redisGlob';
import { withRedis } from '../../platform/redis/redisConnections';

export interface MatchEstimate {
  dryRun: true;
  pattern: string;
  /** Estimated matching keys over all masters. */
  estimatedKeys: number;
  /** Half-width of the 95 % confidence interval (0 when counted exactly). */
  margin95: number;
  method: 'randomkey-sampling' | 'exact-scan';
  sampled: number;
  nodes: Array<{ node: string; dbsize: number; sampled: number; matched: number; estimatedKeys: number }>;
}

/** Servers this small are counted exactly with SCAN (cheaper and better than sampling them). */
const exactBelow = 5000;

/**
 * Dry run of an invalidation: per master, DBSIZE and `sampleSize / masters` RANDOMKEY samples (one pipeline)
 * tested against the pattern; estimate = Σ dbsize·p, margin = 1.96·√Σ dbsize²·p(1-p)/n (rule of three when no or
 * every sample matched). Small servers are counted exactly. Reads only; bounded.
 */
export async function estimateMatches(cluster: ClusterResource, pattern: string, sampleSize: number): Promise<MatchEstimate> {
  return withRedis(
    cluster,
    async (connection) => {
      const shards = await discoverShards(connection);
      const perNode = Math.max(50, Math.ceil(sampleSize / shards.length));
      const patternBytes = Buffer.from(pattern, 'latin1');
      const nodes = await Promise.all(
        shards.map(async (shard) => {
          const node = await connection.node(shard.address);
          const dbsize = Number(await node.dbsize());
          const name = `${shard.address.host}:${shard.address.port}`;
          if (dbsize <= exactBelow) {
            const matched = await countExactly(node, pattern);
            return { node: name, dbsize, sampled: dbsize, matched, estimatedKeys: matched, variance: 0 };
          }
          const pipeline = node.pipeline();
          for (let i = 0; i < perNode; i++) pipeline.randomkeyBuffer();
          const keys = ((await pipeline.exec()) ?? []).map(([, key]) => key as Buffer | null).filter((k): k is Buffer => k !== null);
          const matched = keys.filter((k) => globMatch(patternBytes, k)).length;
          const n = Math.max(1, keys.length);
          const p = matched / n;
          const sd = matched === 0 || matched === n ? (dbsize * 3) / n / 1.96 : Math.sqrt((dbsize * dbsize * p * (1 - p)) / n);
          return { node: name, dbsize, sampled: keys.length, matched, estimatedKeys: Math.round(dbsize * p), variance: sd * sd };
        }),
      );
      const exact = nodes.every((n) => n.variance === 0 && n.sampled === n.dbsize);
      return {
        dryRun: true,
        pattern,
        estimatedKeys: nodes.reduce((s, n) => s + n.estimatedKeys, 0),
        margin95: Math.round(1.96 * Math.sqrt(nodes.reduce((s, n) => s + n.variance, 0))),
        method: exact ? 'exact-scan' : 'randomkey-sampling',
        sampled: nodes.reduce((s, n) => s + n.sampled, 0),
        nodes: nodes.map(({ variance: _v, ...rest }) => rest),
      };
    },
    { timeoutMs: 10_000 },
  );
}

async function countExactly(node: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  const seen = new Set<string>();
  do {
    const [next, keys] = await node.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next.toString();
    for (const key of keys) seen.add(key.toString('base64'));
  } while (cursor !== '0');
  return seen.size;
}
