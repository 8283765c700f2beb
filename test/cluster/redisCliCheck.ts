import type { HealthReport } from '../../shared/admin/health/assessHealth';
import { runCommand } from '../helpers/processes';

/** What `redis-cli --cluster check` said, reduced to the problems it can report. */
export interface ClusterCheckVerdict {
  verdict: 'ok' | 'warning' | 'error';
  agree: boolean;
  /** Nodes (`host:port`) with slots in migrating / importing state. */
  migrating: string[];
  importing: string[];
  allSlotsCovered: boolean;
  /** Replicas (`host:port`) of a master redis-cli could not load. */
  replicasOfUnknownMaster: string[];
  /** Slots with more than one owner (only with --cluster-search-multiple-owners). */
  multipleOwners: number[];
}

/** Runs `redis-cli --cluster check <address>` and parses its [OK] / [WARNING] / [ERR] lines. */
export async function redisCliCheck(address: string, options: { searchMultipleOwners?: boolean } = {}): Promise<ClusterCheckVerdict & { output: string; exitCode: number | null }> {
  const args = ['--cluster', 'check', address, ...(options.searchMultipleOwners ? ['--cluster-search-multiple-owners'] : [])];
  const { stdout, stderr, code } = await runCommand('redis-cli', args, { timeoutMs: 60_000 });
  // redis-cli colours its cluster-manager output even on a pipe.
  const output = (stdout + stderr).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  return { output, exitCode: code, ...parseClusterCheck(output) };
}

/** Reads the problems out of `redis-cli --cluster check` text (also `rcm check`'s, which speaks the same lines). */
export function parseClusterCheck(output: string): ClusterCheckVerdict {
  const lines = output.split('\n');
  const nodesIn = (pattern: RegExp): string[] => lines.flatMap((l) => pattern.exec(l)?.[1] ?? []).sort();
  return {
    verdict: lines.some((l) => l.startsWith('[ERR]')) ? 'error' : lines.some((l) => l.startsWith('[WARNING]') || l.startsWith('*** WARNING')) ? 'warning' : 'ok',
    agree: lines.includes('[OK] All nodes agree about slots configuration.'),
    migrating: nodesIn(/^\[WARNING\] Node (\S+) has slots in migrating state/),
    importing: nodesIn(/^\[WARNING\] Node (\S+) has slots in importing state/),
    allSlotsCovered: lines.includes('[OK] All 16384 slots covered.'),
    replicasOfUnknownMaster: nodesIn(/^\*\*\* WARNING: (\S+) claims to be slave of unknown node ID/),
    multipleOwners: lines.flatMap((l) => /^\[WARNING\] Slot (\d+) has \d+ owners/.exec(l)?.[1] ?? []).map(Number),
  };
}

/** The same reduction of a health report's redis-cli parity findings. */
export function parityOf(report: HealthReport): ClusterCheckVerdict {
  const parity = report.findings.filter((f) => f.redisCli);
  const nodesOf = (code: string, field: string): string[] => parity.filter((f) => f.code === code).map((f) => String(f.evidence[field])).sort();
  return {
    verdict: report.redisCliVerdict ?? 'ok',
    agree: !parity.some((f) => f.code === 'config_disagreement'),
    migrating: nodesOf('slot_migrating', 'node'),
    importing: nodesOf('slot_importing', 'node'),
    allSlotsCovered: !parity.some((f) => f.code === 'slots_not_covered'),
    replicasOfUnknownMaster: nodesOf('replica_of_unknown_master', 'replica'),
    multipleOwners: parity
      .filter((f) => f.code === 'slot_multiple_owners')
      .flatMap((f) => String(f.evidence['slots']).split(','))
      .flatMap((r) => {
        const [a, b] = r.split('-').map(Number);
        return a === undefined ? [] : Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
      }),
  };
}
