import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { recommendPolicy } from '../policy/recommendPolicy';
import { emptyAggregate, mergeAggregates } from './AnalysisAggregate';
import type { AnalysisCursorState } from './analysisCursor';
import type { AnalysisParams } from './analysisRequest';
import { analysisSummary } from './analysisReport';
import type { ClusterAnalysis } from './analyzeCluster';
import type { DataNode } from '../../platform/topology/listNodes';

/** The full analysis of a finished (or partial) job from its cursor rows and the nodes' current memory facts. */
export function buildAnalysis(cluster: Pick<ClusterResource, 'id' | 'mode'>, params: AnalysisParams, states: readonly AnalysisCursorState[], nodes: readonly DataNode[], startedAt: string): ClusterAnalysis {
  const aggregate = states.reduce((acc, s) => mergeAggregates(acc, s.aggregate, params.topKeys), emptyAggregate(params.mode));
  const configured = new Set(params.namespaces.map((n) => n.namespace));
  const summary = analysisSummary(aggregate, (name) => configured.has(name), { topKeys: params.topKeys });
  const recommendation = recommendPolicy({ mode: cluster.mode, summary, policies: Object.fromEntries(params.namespaces.map((n) => [n.namespace, n])), nodes });
  const completed = new Date();
  return {
    clusterId: cluster.id,
    mode: params.mode,
    startedAt,
    completedAt: completed.toISOString(),
    durationMs: Math.max(0, completed.getTime() - Date.parse(startedAt)),
    nodes: states.map((s) => ({ node: s.name, dbsize: s.dbsize, policy: nodes.find((n) => n.name === s.name)?.memory.policy ?? 'unknown', keysProbed: s.aggregate.keysProbed, cursor: params.mode === 'exact' ? s.cursor : null, done: params.mode === 'sampled' || s.cursor === '0', durationMs: 0 })),
    unreachable: [],
    complete: true,
    summary,
    recommendation,
  };
}

/** What the job row keeps as its result (one Table property, < 32 K chars): totals, top namespaces, the recommendation. */
export function compactAnalysis(analysis: ClusterAnalysis, jobId: string) {
  const { recommendation, summary } = analysis;
  return {
    report: `/api/clusters/${analysis.clusterId}/analysis/${jobId}`,
    mode: analysis.mode,
    keysProbed: summary.keysProbed,
    totals: summary.totals,
    namespaces: summary.namespaces.slice(0, 10).map((n) => ({ namespace: n.namespace, keys: n.keys, memoryBytes: n.memoryBytes, memoryShare: n.memoryShare, keysWithoutTtl: n.ttl['none']?.keys ?? 0 })),
    recommendation: {
      current: recommendation.current,
      recommended: recommendation.recommended,
      maxmemoryReserved: recommendation.maxmemoryReserved,
      reasons: recommendation.reasons.map((r) => r.message),
      warnings: recommendation.warnings.slice(0, 10).map((w) => w.message),
    },
  };
}
