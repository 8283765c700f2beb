import { nodeKey } from '../redis/RedisTarget';
import type { NodeSnapshot, TopologySnapshot } from './collectSnapshot';
import { nodeMetrics, type NodeMetrics } from './nodeMetrics';
import { infoNumber } from './parseInfo';
import { isReplica, selfEntry, type ClusterNodeEntry } from './parseClusterNodes';
import { countSlots } from './slotRanges';

/** One node as `GET /api/clusters/{id}/topology` shows it. */
export interface TopologyNode {
  /** Cluster node id; the `run_id` for a standalone server. */
  id: string | null;
  address: string;
  host: string;
  port: number;
  role: 'master' | 'replica';
  /** The master's id, for replicas. */
  masterId: string | null;
  /** Inclusive slot ranges the node serves (its own view when reachable). */
  slots: [number, number][];
  slotCount: number;
  migrating: { slot: number; to: string }[];
  importing: { slot: number; from: string }[];
  /** Cluster-bus link from the reference node to this one (`self` for the reference node itself). */
  linkState: 'connected' | 'disconnected' | 'self' | null;
  /** `CLUSTER NODES` flags as the reference node sees them (`myself` dropped). */
  flags: string[];
  /** `fail` when any reachable node flags it `fail`, `pfail` when one suspects it, else `ok`. */
  failState: 'ok' | 'pfail' | 'fail';
  /** Which nodes flag it, and how. */
  failureReports: { by: string; flag: 'fail' | 'pfail' }[];
  configEpoch: number | null;
  /** `cluster_current_epoch` the node reports. */
  currentEpoch: number | null;
  /** `cluster_state` the node reports. */
  clusterState: string | null;
  reachable: boolean;
  /** Why it could not be asked (`connection`, `timeout`, `auth`), when unreachable. */
  unreachableReason: string | null;
  /** Keys, memory and replication from its `INFO` (null when unreachable). */
  metrics: NodeMetrics | null;
}

export interface Topology {
  clusterId: string;
  mode: 'standalone' | 'cluster';
  collectedAt: string;
  /** The node whose view lists the others. */
  observedFrom: string;
  nodes: TopologyNode[];
}

/** Builds the topology document from a snapshot (pure). Nodes are sorted: masters by first slot, then replicas. */
export function buildTopology(clusterId: string, snapshot: TopologySnapshot): Topology {
  if (snapshot.mode === 'standalone') {
    const { node } = snapshot;
    const info = node.info ?? {};
    const metrics = nodeMetrics(info);
    return {
      clusterId,
      mode: 'standalone',
      collectedAt: snapshot.collectedAt,
      observedFrom: nodeKey(node.address),
      nodes: [
        {
          ...base(node),
          id: info['run_id'] ?? null,
          role: metrics.replication.role,
          linkState: 'self',
          failState: 'ok',
          failureReports: [],
          metrics,
        },
      ],
    };
  }
  const referenceView = snapshot.reference.view ?? [];
  const nodes = snapshot.nodes.map((node): TopologyNode => {
    const seen = referenceView.find((e) => e.id === node.id || (e.host === node.address.host && e.port === node.address.port));
    const entry = (node.view && selfEntry(node.view)) ?? seen;
    const reports = failureReports(snapshot.nodes, entry?.id);
    return {
      ...base(node),
      id: entry?.id ?? node.id ?? null,
      role: entry && isReplica(entry) ? 'replica' : 'master',
      masterId: entry?.masterId ?? null,
      slots: entry?.slots ?? [],
      slotCount: countSlots(entry?.slots ?? []),
      migrating: entry?.migrating ?? [],
      importing: entry?.importing ?? [],
      linkState: seen?.flags.includes('myself') ? 'self' : (seen?.linkState ?? null),
      flags: (seen ?? entry)?.flags.filter((f) => f !== 'myself') ?? [],
      failState: reports.some((r) => r.flag === 'fail') ? 'fail' : reports.length > 0 ? 'pfail' : 'ok',
      failureReports: reports,
      configEpoch: entry?.configEpoch ?? null,
      currentEpoch: infoNumber(node.clusterInfo, 'cluster_current_epoch') ?? null,
      clusterState: node.clusterInfo?.['cluster_state'] ?? null,
    };
  });
  nodes.sort((a, b) => rank(a) - rank(b) || a.address.localeCompare(b.address));
  return { clusterId, mode: 'cluster', collectedAt: snapshot.collectedAt, observedFrom: nodeKey(snapshot.reference.address), nodes };
}

function base(node: NodeSnapshot): Omit<TopologyNode, 'id' | 'role' | 'linkState' | 'failState' | 'failureReports' | 'flags'> & { flags: string[] } {
  return {
    address: nodeKey(node.address),
    host: node.address.host,
    port: node.address.port,
    masterId: null,
    slots: [],
    slotCount: 0,
    migrating: [],
    importing: [],
    flags: [],
    configEpoch: null,
    currentEpoch: null,
    clusterState: null,
    reachable: node.reachable,
    unreachableReason: node.failure ?? null,
    metrics: node.info ? nodeMetrics(node.info) : null,
  };
}

/** Every reachable node's opinion of node `id`: `fail` or `fail?` (pfail) flags in its view. */
export function failureReports(nodes: readonly NodeSnapshot[], id: string | undefined): { by: string; flag: 'fail' | 'pfail' }[] {
  if (id === undefined) return [];
  return nodes.flatMap((observer): { by: string; flag: 'fail' | 'pfail' }[] => {
    const entry: ClusterNodeEntry | undefined = observer.view?.find((e) => e.id === id);
    if (!entry || !observer.id || observer.id === id) return [];
    if (entry.flags.includes('fail')) return [{ by: observer.id, flag: 'fail' }];
    if (entry.flags.includes('fail?')) return [{ by: observer.id, flag: 'pfail' }];
    return [];
  });
}

function rank(node: TopologyNode): number {
  if (node.role === 'master') return node.slots[0]?.[0] ?? 16384;
  return 20000;
}
