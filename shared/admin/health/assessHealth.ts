import { nodeKey } from '../../platform/redis/RedisTarget';
import type { TopologySnapshot } from '../../platform/topology/collectSnapshot';
import { checkClusterNodes } from './checkClusterNodes';
import { checkNodeResources, type ResourceThresholds } from './checkNodeResources';
import { checkRedisCliParity } from './checkRedisCliParity';
import { checkStandalone } from './checkStandalone';
import { verdictOf, type HealthFinding } from './HealthFinding';
import { redisCliLoadedNodes } from './redisCliView';

/** `GET /api/clusters/{id}/health`. */
export interface HealthReport {
  clusterId: string;
  mode: 'standalone' | 'cluster';
  checkedAt: string;
  /** The node the check started from (redis-cli's entry node). */
  checkedFrom: string;
  /** Worst severity over all findings. */
  verdict: 'ok' | 'warning' | 'error';
  /** Worst severity over the findings `redis-cli --cluster check` also reports: its verdict (cluster mode). */
  redisCliVerdict: 'ok' | 'warning' | 'error' | null;
  summary: {
    nodes: number;
    reachable: number;
    masters: number;
    /** Slots served by the nodes redis-cli would load (cluster mode). */
    slotsCovered: number | null;
    /** `cluster_state` per reachable node (cluster), or the server's role (standalone). */
    clusterStates: Record<string, string>;
    role: 'master' | 'replica' | null;
  };
  findings: HealthFinding[];
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Every check over one snapshot (pure): redis-cli parity first, then the rest; errors before warnings. */
export function assessHealth(clusterId: string, snapshot: TopologySnapshot, thresholds?: ResourceThresholds): HealthReport {
  if (snapshot.mode === 'standalone') {
    const findings = sort([...checkStandalone(snapshot.node), ...checkNodeResources([snapshot.node], thresholds)]);
    return {
      clusterId,
      mode: 'standalone',
      checkedAt: snapshot.collectedAt,
      checkedFrom: nodeKey(snapshot.node.address),
      verdict: verdictOf(findings),
      redisCliVerdict: null,
      summary: { nodes: 1, reachable: snapshot.node.reachable ? 1 : 0, masters: snapshot.node.info?.['role'] === 'slave' ? 0 : 1, slotsCovered: null, clusterStates: {}, role: snapshot.node.info?.['role'] === 'slave' ? 'replica' : 'master' },
      findings,
    };
  }
  const parity = checkRedisCliParity(snapshot);
  const findings = sort([...parity, ...checkClusterNodes(snapshot), ...checkNodeResources(snapshot.nodes, thresholds)]);
  const loaded = redisCliLoadedNodes(snapshot);
  const covered = new Set<number>();
  for (const node of loaded) for (const [a, b] of node.self.slots) for (let s = a; s <= b; s++) covered.add(s);
  const clusterStates: Record<string, string> = {};
  for (const node of snapshot.nodes) if (node.clusterInfo) clusterStates[nodeKey(node.address)] = node.clusterInfo['cluster_state'] ?? 'unknown';
  return {
    clusterId,
    mode: 'cluster',
    checkedAt: snapshot.collectedAt,
    checkedFrom: nodeKey(snapshot.reference.address),
    verdict: verdictOf(findings),
    redisCliVerdict: verdictOf(parity),
    summary: {
      nodes: snapshot.nodes.length,
      reachable: snapshot.nodes.filter((n) => n.reachable).length,
      masters: (snapshot.reference.view ?? []).filter((e) => !e.flags.includes('slave') && e.slots.length > 0).length,
      slotsCovered: covered.size,
      clusterStates,
      role: null,
    },
    findings,
  };
}

function sort(findings: HealthFinding[]): HealthFinding[] {
  return findings.sort((a, b) => Number(b.redisCli) - Number(a.redisCli) || ORDER[a.severity] - ORDER[b.severity]);
}
