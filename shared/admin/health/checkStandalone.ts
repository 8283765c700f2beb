import { nodeKey } from '../../platform/redis/RedisTarget';
import type { NodeSnapshot } from '../../platform/topology/collectSnapshot';
import type { HealthFinding } from './HealthFinding';

/** Role and replication link of a standalone server (persistence and memory: `checkNodeResources`). */
export function checkStandalone(node: NodeSnapshot): HealthFinding[] {
  const info = node.info ?? {};
  if (info['cluster_enabled'] === '1') {
    // A cluster node registered as standalone: keys of other slots answer MOVED, and while the cluster is down
    // every key is refused (CLUSTERDOWN), yet a standalone check of the one server would look fine.
    return [
      {
        code: 'cluster_mode_mismatch',
        severity: 'error',
        message: `${nodeKey(node.address)} is a cluster node (cluster_enabled:1) but the cache is registered as standalone: only its own slots are checked and served`,
        evidence: { node: nodeKey(node.address), clusterEnabled: 1, registeredMode: 'standalone' },
        fix: "Register the cache with mode 'cluster' (PUT /api/clusters/{id} with mode: cluster) so every node is checked.",
        redisCli: false,
      },
    ];
  }
  if (info['role'] !== 'slave') return [];
  const address = nodeKey(node.address);
  const master = `${info['master_host'] ?? '?'}:${info['master_port'] ?? '?'}`;
  const findings: HealthFinding[] = [
    {
      code: 'node_is_replica',
      severity: 'info',
      message: `${address} is a replica of ${master}: writes are refused (read-only replica)`,
      evidence: { node: address, master, replicaReadOnly: info['slave_read_only'] ?? null },
      fix: 'Register the master endpoint if this cache is meant to take writes.',
      redisCli: false,
    },
  ];
  if (info['master_link_status'] === 'down') {
    findings.push({
      code: 'replica_link_down',
      severity: 'error',
      message: `${address} has lost its replication link to ${master}: it serves stale data`,
      evidence: { node: address, master, masterLinkStatus: 'down', masterLinkDownSinceSeconds: Number(info['master_link_down_since_seconds'] ?? 0) },
      fix: 'Check the master, the network between them and masterauth/masteruser; see the replica log for the sync error.',
      redisCli: false,
    });
  }
  return findings;
}
