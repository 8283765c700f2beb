import { nodeKey } from '../../platform/redis/RedisTarget';
import { failureReports } from '../../platform/topology/buildTopology';
import type { NodeSnapshot, TopologySnapshot } from '../../platform/topology/collectSnapshot';
import { isReplica, selfEntry, type ClusterNodeEntry } from '../../platform/topology/parseClusterNodes';
import { formatRanges } from '../../platform/topology/slotRanges';
import type { HealthFinding } from './HealthFinding';

type ClusterSnapshot = Extract<TopologySnapshot, { mode: 'cluster' }>;

/**
 * What redis-cli does not check: failed, suspected and unreachable nodes, `cluster_state`, masters without a
 * live replica, broken replication links and config epoch collisions.
 */
export function checkClusterNodes(snapshot: ClusterSnapshot): HealthFinding[] {
  const referenceView = snapshot.reference.view ?? [];
  const entryOf = (node: NodeSnapshot): ClusterNodeEntry | undefined =>
    (node.view && selfEntry(node.view)) ?? referenceView.find((e) => e.id === node.id || (e.host === node.address.host && e.port === node.address.port));
  const stateOf = new Map<string, 'ok' | 'pfail' | 'fail'>();
  const findings: HealthFinding[] = [];

  for (const node of snapshot.nodes) {
    const entry = entryOf(node);
    const address = nodeKey(node.address);
    const reports = failureReports(snapshot.nodes, entry?.id);
    const failedBy = reports.filter((r) => r.flag === 'fail').map((r) => r.by);
    const suspectedBy = reports.filter((r) => r.flag === 'pfail').map((r) => r.by);
    const ownsSlots = (referenceView.find((e) => e.id === entry?.id)?.slots.length ?? 0) > 0;
    const role = entry && isReplica(entry) ? 'replica' : 'master';
    const evidence = { node: address, nodeId: entry?.id ?? null, role, reachable: node.reachable, ...(ownsSlots ? { slots: formatRanges(referenceView.find((e) => e.id === entry?.id)?.slots ?? []) } : {}) };
    if (entry) stateOf.set(entry.id, failedBy.length > 0 ? 'fail' : suspectedBy.length > 0 ? 'pfail' : 'ok');
    if (failedBy.length > 0) {
      findings.push({
        code: 'node_failed',
        severity: ownsSlots ? 'error' : 'warning',
        message: `${role} ${address} is marked failed by ${failedBy.length} node(s)${ownsSlots ? ' and still owns slots' : ''}`,
        evidence: { ...evidence, failedBy },
        fix: ownsSlots
          ? 'Its slots are unavailable: restart the node, or promote one of its replicas (CLUSTER FAILOVER FORCE / TAKEOVER on the replica).'
          : `Restart it (it rejoins as a replica) or, if it is gone for good, remove it with CLUSTER FORGET ${entry?.id ?? '<id>'} on every node (redis-cli --cluster call <host:port> CLUSTER FORGET <id>).`,
        redisCli: false,
      });
    } else if (suspectedBy.length > 0) {
      findings.push({
        code: 'node_pfail',
        severity: 'warning',
        message: `${role} ${address} is suspected failing (pfail) by ${suspectedBy.length} node(s)`,
        evidence: { ...evidence, suspectedBy },
        fix: 'Check the node and the network path to its cluster bus port (port + 10000); it is marked failed once a majority of masters agree.',
        redisCli: false,
      });
    } else if (node.failure === 'noaddr') {
      findings.push({
        code: 'node_noaddr',
        severity: ownsSlots ? 'error' : 'warning',
        message: `${role} ${entry?.id ?? '?'} is listed without an address (noaddr): a node that was reset or replaced and that the cluster still remembers`,
        evidence: { ...evidence, flags: entry?.flags ?? [] },
        fix: `If the node is gone for good (a CLUSTER RESET HARD gives a node a new id), remove the stale entry with CLUSTER FORGET ${entry?.id ?? '<id>'} on every node within 60 s.`,
        redisCli: false,
      });
    } else if (!node.reachable && node.failure !== 'loading') {
      findings.push({
        code: 'node_unreachable',
        severity: ownsSlots ? 'error' : 'warning',
        message: `${role} ${address} does not answer the control plane (${node.failure ?? 'unknown'}) though the cluster does not flag it`,
        evidence: { ...evidence, reason: node.failure ?? null },
        fix: 'Check the network path (firewall, private endpoint, NAT) from the function app to this node, and its credentials.',
        redisCli: false,
      });
    }
  }

  const failing = snapshot.nodes.filter((n) => n.reachable && n.clusterInfo && n.clusterInfo['cluster_state'] !== 'ok');
  if (failing.length > 0) {
    findings.push({
      code: 'cluster_state_fail',
      severity: 'error',
      message: `${failing.length} node(s) report cluster_state:${failing[0]?.clusterInfo?.['cluster_state'] ?? 'fail'}: they refuse queries`,
      evidence: {
        nodes: failing.map((n) => ({ node: nodeKey(n.address), clusterState: n.clusterInfo?.['cluster_state'], slotsOk: Number(n.clusterInfo?.['cluster_slots_ok'] ?? 0), slotsFail: Number(n.clusterInfo?.['cluster_slots_fail'] ?? 0) })),
      },
      fix: 'Fix what the other findings show (uncovered slots, failed masters); with cluster-require-full-coverage no, only the affected slots stop answering.',
      redisCli: false,
    });
  }

  findings.push(...replicaCoverage(snapshot, referenceView, stateOf), ...epochCollisions(referenceView));
  return findings;
}

function replicaCoverage(snapshot: ClusterSnapshot, view: ClusterNodeEntry[], stateOf: Map<string, 'ok' | 'pfail' | 'fail'>): HealthFinding[] {
  const findings: HealthFinding[] = [];
  const snapshotOf = (e: ClusterNodeEntry): NodeSnapshot | undefined => snapshot.nodes.find((n) => n.id === e.id);
  for (const replica of view.filter(isReplica)) {
    const info = snapshotOf(replica)?.info;
    if (info?.['master_link_status'] === 'down' && stateOf.get(replica.id) === 'ok') {
      findings.push({
        code: 'replica_link_down',
        severity: 'warning',
        message: `replica ${replica.host}:${replica.port} has lost its replication link to its master`,
        evidence: { replica: `${replica.host}:${replica.port}`, masterId: replica.masterId ?? null, masterLinkDownSinceSeconds: Number(info['master_link_down_since_seconds'] ?? 0) },
        fix: 'Check the master and the network between them; a link down for longer than cluster-node-timeout × replica-validity-factor makes the replica ineligible for failover.',
        redisCli: false,
      });
    }
  }
  for (const master of view.filter((e) => !isReplica(e) && e.slots.length > 0 && stateOf.get(e.id) !== 'fail')) {
    const replicas = view.filter((e) => e.masterId === master.id);
    const live = replicas.filter((r) => stateOf.get(r.id) === 'ok' && snapshotOf(r)?.reachable === true && snapshotOf(r)?.info?.['master_link_status'] !== 'down');
    if (live.length > 0) continue;
    findings.push({
      code: 'master_without_replica',
      severity: 'warning',
      message: `master ${master.host}:${master.port} (slots ${formatRanges(master.slots)}) has no live replica: losing it loses those slots`,
      evidence: {
        master: `${master.host}:${master.port}`,
        masterId: master.id,
        replicas: replicas.map((r) => ({ node: `${r.host}:${r.port}`, state: stateOf.get(r.id) ?? 'unknown', reachable: snapshotOf(r)?.reachable ?? false })),
      },
      fix: `Add a replica: start a node, CLUSTER MEET it, then CLUSTER REPLICATE ${master.id} on it (or \`redis-cli --cluster add-node <new> <existing> --cluster-slave --cluster-master-id ${master.id}\`); cluster-allow-replica-migration moves spare replicas automatically.`,
      redisCli: false,
    });
  }
  return findings;
}

function epochCollisions(view: ClusterNodeEntry[]): HealthFinding[] {
  const byEpoch = new Map<number, ClusterNodeEntry[]>();
  for (const master of view.filter((e) => !isReplica(e) && e.slots.length > 0)) byEpoch.set(master.configEpoch, [...(byEpoch.get(master.configEpoch) ?? []), master]);
  return [...byEpoch]
    .filter(([, masters]) => masters.length > 1)
    .map(([epoch, masters]) => ({
      code: 'config_epoch_collision' as const,
      severity: 'warning' as const,
      message: `${masters.length} masters share config epoch ${epoch}`,
      evidence: { configEpoch: epoch, masters: masters.map((m) => `${m.host}:${m.port}`) },
      fix: 'Redis resolves collisions by itself within seconds; if it persists, check that the nodes can gossip with each other (cluster bus port reachable).',
      redisCli: false,
    }));
}
