import { nodeKey } from '../../platform/redis/RedisTarget';
import type { NodeSnapshot } from '../../platform/topology/collectSnapshot';
import { infoNumber } from '../../platform/topology/parseInfo';
import type { HealthFinding } from './HealthFinding';

export interface ResourceThresholds {
  /** used_memory / maxmemory at which headroom is a warning. @default 0.85 */
  memoryWarning?: number;
  /** ... and an error. @default 0.95 */
  memoryError?: number;
}

/**
 * Per-node memory headroom (used_memory against maxmemory), nodes without a memory limit, and persistence
 * errors (failed BGSAVE or AOF write: Redis may refuse writes) or a node still loading its dataset.
 */
export function checkNodeResources(nodes: readonly NodeSnapshot[], thresholds: ResourceThresholds = {}): HealthFinding[] {
  const warnAt = thresholds.memoryWarning ?? 0.85;
  const errorAt = thresholds.memoryError ?? 0.95;
  const findings: HealthFinding[] = [];
  const unlimited: string[] = [];
  for (const node of nodes) {
    const info = node.info;
    if (!info) continue;
    const address = nodeKey(node.address);
    // A node loading its dataset answers INFO only: say that, not "unreachable".
    if (info['loading'] === '1') {
      findings.push({
        code: 'node_loading',
        severity: 'warning',
        message: `${address} is still loading its dataset and answers LOADING to commands (${info['loading_loaded_perc'] ?? '?'}% loaded, ETA ${info['loading_eta_seconds'] ?? '?'} s)`,
        evidence: { node: address, loadingLoadedPerc: infoNumber(info, 'loading_loaded_perc') ?? null, loadingEtaSeconds: infoNumber(info, 'loading_eta_seconds') ?? null, loadingLoadedBytes: infoNumber(info, 'loading_loaded_bytes') ?? null, loadingTotalBytes: infoNumber(info, 'loading_total_bytes') ?? null },
        fix: 'Wait for the load to finish; if it restarts repeatedly, check memory (maxmemory, the OOM killer) and the Redis log.',
        redisCli: false,
      });
      continue;
    }
    if (!node.reachable) continue;
    const used = infoNumber(info, 'used_memory') ?? 0;
    const max = infoNumber(info, 'maxmemory') ?? 0;
    if (max === 0) unlimited.push(address);
    else if (used / max >= warnAt) {
      const ratio = used / max;
      findings.push({
        code: 'memory_headroom_low',
        severity: ratio >= errorAt ? 'error' : 'warning',
        message: `${address} uses ${(ratio * 100).toFixed(1)}% of maxmemory`,
        evidence: { node: address, usedMemory: used, maxmemory: max, usedRatio: Number(ratio.toFixed(4)), maxmemoryPolicy: info['maxmemory_policy'] ?? null },
        fix: info['maxmemory_policy'] === 'noeviction'
          ? 'Writes will fail with OOM at the limit under noeviction: raise maxmemory (scale up), add shards, or set TTLs / an eviction policy.'
          : 'Evictions are imminent or ongoing: raise maxmemory (scale up or out), or shorten TTLs of the biggest namespaces.',
        redisCli: false,
      });
    }
    if (info['rdb_last_bgsave_status'] === 'err') {
      // Redis refuses writes only with save points configured and stop-writes-on-bgsave-error yes
      // (writeCommandsDeniedByDiskError); a manual BGSAVE failing on a server without save points refuses nothing.
      const savePoints = node.config?.['save'];
      const stopWrites = node.config?.['stop-writes-on-bgsave-error'];
      const refuses = savePoints === undefined || stopWrites === undefined ? null : savePoints.trim() !== '' && stopWrites === 'yes';
      findings.push({
        code: 'rdb_bgsave_failed',
        severity: refuses === false ? 'warning' : 'error',
        message: `${address}: the last RDB save failed; ${refuses === true ? 'it refuses writes (MISCONF) until a save succeeds' : refuses === false ? `writes are still accepted (${savePoints?.trim() === '' ? 'no save points' : 'stop-writes-on-bgsave-error no'}), but snapshots and full resyncs fail` : 'it refuses writes if save points are set and stop-writes-on-bgsave-error is yes (CONFIG GET is not allowed here)'}`,
        evidence: { node: address, rdbLastBgsaveStatus: 'err', writesRefused: refuses, savePoints: savePoints ?? null, stopWritesOnBgsaveError: stopWrites ?? null, rdbChangesSinceLastSave: infoNumber(info, 'rdb_changes_since_last_save') ?? null, rdbLastSaveTime: infoNumber(info, 'rdb_last_save_time') ?? null },
        fix: 'Check free disk space and permissions of the `dir` directory and the Redis log, then run BGSAVE; writes resume after a successful save.',
        redisCli: false,
      });
    }
    if (info['aof_enabled'] === '1' && (info['aof_last_write_status'] === 'err' || info['aof_last_bgrewrite_status'] === 'err')) {
      findings.push({
        code: 'aof_write_failed',
        severity: 'error',
        message: `${address}: the append-only file could not be written or rewritten`,
        evidence: { node: address, aofLastWriteStatus: info['aof_last_write_status'] ?? null, aofLastBgrewriteStatus: info['aof_last_bgrewrite_status'] ?? null },
        fix: 'Check disk space and permissions of the AOF directory and the Redis log; run BGREWRITEAOF once fixed.',
        redisCli: false,
      });
    } else if (info['aof_enabled'] === '0' && info['aof_last_bgrewrite_status'] === 'err') {
      // CONFIG SET appendonly yes starts a rewrite; when it cannot, Redis keeps AOF off and only this status says so.
      findings.push({
        code: 'aof_enable_failed',
        severity: 'warning',
        message: `${address}: AOF is off and the last AOF rewrite failed: an attempt to turn on appendonly was refused, so there is no durability beyond RDB`,
        evidence: { node: address, aofEnabled: 0, aofLastBgrewriteStatus: 'err', aofRewritesConsecutiveFailures: infoNumber(info, 'aof_rewrites_consecutive_failures') ?? null },
        fix: 'Read the Redis log ("Can\'t open or create append-only dir"), fix the `dir` / `appenddirname` path (disk space, permissions, a file in the way), then CONFIG SET appendonly yes again.',
        redisCli: false,
      });
    }
  }
  if (unlimited.length > 0) {
    findings.push({
      code: 'maxmemory_not_set',
      severity: 'info',
      message: `${unlimited.length} node(s) have no maxmemory: memory headroom cannot be judged and the eviction policy never applies`,
      evidence: { nodes: unlimited },
      fix: 'Set maxmemory below the machine/container memory (leave room for fork copy-on-write and buffers) and pick an eviction policy.',
      redisCli: false,
    });
  }
  return findings;
}
