import { nodeKey } from '../../platform/redis/RedisTarget';
import type { NodeSnapshot } from '../../platform/topology/collectSnapshot';
import type { HealthFinding } from './HealthFinding';

/** Role and replication link of a standalone server (persistence and memory: `checkNodeResources`). */
export function checkStandalone(node: NodeSnapshot): HealthFinding[] {
  const info = node.info ?? {};
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
