import type { Redis } from 'ioredis';
import { recommendPolicy, type Recommendation, type RecommendThresholds } from '../policy/recommendPolicy';
import type { NamespacePolicyResource } from '../../platform/registry/namespacePolicy';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnection, RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import type { RedisTarget } from '../../platform/redis/RedisTarget';
import { analysisSummary, type AnalysisSummary } from './analysisReport';
import { analyzeNodes, type AnalyzeNodesOptions, type NodeProgress } from './analyzeNodes';
import { listNodes } from '../../platform/topology/listNodes';
import { NamespaceMatcher } from './NamespaceMatcher';

export type ClusterAnalysisOptions = Omit<AnalyzeNodesOptions, 'matcher'> & {
  /** Delimiter of key prefixes for keys outside configured namespaces. @default ':' */
  delimiter?: string;
  thresholds?: RecommendThresholds;
  /** Bound of the whole call (connection manager `run`). @default 15000 */
  timeoutMs?: number;
  /** @default the process-wide pool */
  manager?: RedisConnectionManager;
};

/** The parts of a namespace policy the analysis and the recommender use. */
export type AnalysisNamespace = Pick<NamespacePolicyResource, 'namespace' | 'keyPattern' | 'ttlSeconds' | 'priority' | 'protected' | 'retention'>;

/** `GET /api/jobs/{id}` result of an analysis, and what the eviction subscriber publishes from. */
export interface ClusterAnalysis {
  clusterId: string;
  mode: 'exact' | 'sampled';
  startedAt: string;
  completedAt: string;
  durationMs: number;
  /** Every master analysed, with its DBSIZE, policy, keys probed and (exact) cursor. */
  nodes: NodeProgress[];
  /** Nodes that could not be reached (their keys are missing from the result). */
  unreachable: string[];
  /** True when every master finished (exact mode may stop at its budget; run it again from `nodes[].cursor`). */
  complete: boolean;
  summary: AnalysisSummary;
  recommendation: Recommendation;
}

/**
 * Memory analysis of a registered cluster over all masters in parallel, grouped by namespace (configured
 * policies first, else key prefixes), with the eviction-policy recommendation for it.
 */
export async function analyzeCluster(cluster: RedisTarget, policies: readonly AnalysisNamespace[], options: ClusterAnalysisOptions): Promise<ClusterAnalysis> {
  const started = new Date();
  const { manager, timeoutMs, delimiter, thresholds, ...nodeOptions } = options;
  const matcher = new NamespaceMatcher({ patterns: policies.map((p) => ({ name: p.namespace, keyPattern: p.keyPattern })), ...(delimiter ? { delimiter } : {}) });
  const operation = async (connection: RedisConnection): Promise<ClusterAnalysis> => {
    const { nodes, unreachable } = await listNodes(connection);
    const masters = await Promise.all(nodes.filter((n) => n.role === 'master').map(async (n) => ({ name: n.name, redis: await connection.node(n.address) })));
    const lfuLogFactor = thresholds?.lfuLogFactor ?? (masters[0] ? await lfuLogFactorOf(masters[0].redis) : 10);
    const { aggregate, nodes: progress } = await analyzeNodes(masters, { ...nodeOptions, matcher });
    const summary = analysisSummary(aggregate, (name) => matcher.isConfigured(name), { lfuLogFactor, ...(options.topKeys ? { topKeys: options.topKeys } : {}) });
    const recommendation = recommendPolicy({
      mode: cluster.mode,
      summary,
      policies: Object.fromEntries(policies.map((p) => [p.namespace, p])),
      nodes,
      thresholds: { ...thresholds, lfuLogFactor },
    });
    const completed = new Date();
    return {
      clusterId: cluster.id,
      mode: options.mode,
      startedAt: started.toISOString(),
      completedAt: completed.toISOString(),
      durationMs: completed.getTime() - started.getTime(),
      nodes: progress,
      unreachable,
      complete: progress.every((p) => p.done),
      summary,
      recommendation,
    };
  };
  const runOptions = timeoutMs !== undefined ? { timeoutMs } : {};
  return manager ? manager.run(cluster, operation, runOptions) : withRedis(cluster, operation, runOptions);
}

/** `lfu-log-factor` (CONFIG GET), or Redis' default 10 where CONFIG is not allowed (Azure). */
async function lfuLogFactorOf(redis: Redis): Promise<number> {
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'lfu-log-factor')) as string[];
    const value = Number(reply[1]);
    return Number.isFinite(value) ? value : 10;
  } catch {
    return 10;
  }
}
