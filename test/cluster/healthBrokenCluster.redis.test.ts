import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../shared/admin/health/assessHealth';
import { readClusterHealth } from '../../shared/admin/health/readClusterHealth';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import type { RedisTarget } from '../../shared/platform/redis/RedisTarget';
import { readTopology } from '../../shared/platform/topology/readTopology';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { useOwnCluster } from '../helpers/redis';
import { parityOf, redisCliCheck } from './redisCliCheck';
import { testTarget } from './targets';

// One private 3-master / 3-replica cluster, broken step by step (later steps build on earlier ones).
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
const manager = new RedisConnectionManager({ connectTimeoutMs: 500, commandTimeoutMs: 1500 });
let target: RedisTarget;
const ids = new Map<RedisProcess, string>();

beforeAll(async () => {
  target = testTarget('cluster', own.cluster.seeds);
  for (const node of own.cluster.nodes) ids.set(node, await redisText(node.host, node.port, ['CLUSTER', 'MYID']));
});
afterAll(() => manager.closeAll());

const addr = (n: RedisProcess): string => `${n.host}:${n.port}`;
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const health = (): Promise<HealthReport> => readClusterHealth(target, { manager });
const codes = (report: HealthReport): string[] => report.findings.map((f) => f.code).sort();

async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value, null, 1).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Runs our check and redis-cli on the same cluster from the same entry node and expects the same problems.
 * Sampled back to back; a mismatch is re-sampled a few times (gossip may move between the two runs), and one
 * that persists fails the test.
 */
async function compareWithRedisCli(): Promise<HealthReport> {
  let last = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    const report = await health();
    const cli = await redisCliCheck(report.checkedFrom);
    const { output, exitCode, ...theirs } = cli;
    const ours = parityOf(report);
    if (JSON.stringify(ours) === JSON.stringify(theirs)) {
      if (process.env['RCM_SHOW_REDIS_CLI'] !== undefined) {
        console.log(`${expect.getState().currentTestName ?? ''}\nredis-cli:\n${output.split('\n').filter((l) => /^(\[|\*\*\*)/.test(l)).join('\n')}\nhealth: ${report.verdict} (redis-cli parity ${report.redisCliVerdict ?? '-'}): ${report.findings.map((f) => `${f.severity}:${f.code}`).join(', ')}`);
      }
      expect(exitCode).toBe(theirs.verdict === 'ok' ? 0 : 1);
      return report;
    }
    last = `ours: ${JSON.stringify(ours)}\nredis-cli: ${JSON.stringify(theirs)}\n${output}`;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`health and redis-cli disagree:\n${last}`);
}

describe('health on a deliberately broken cluster, compared with redis-cli --cluster check', () => {
  it('healthy: no findings beyond info, like redis-cli', async () => {
    const report = await compareWithRedisCli();
    expect(report.redisCliVerdict).toBe('ok');
    expect(report.verdict).toBe('ok');
    expect(report.findings.every((f) => f.severity === 'info')).toBe(true);
    expect(report.summary).toMatchObject({ nodes: 6, reachable: 6, masters: 3, slotsCovered: 16384 });
  });

  it('open slot: migrating on the source, importing on the target', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess];
    await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', ids.get(m0) ?? '');
    await cmd(m0, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', ids.get(m1) ?? '');
    try {
      const report = await compareWithRedisCli();
      expect(report.redisCliVerdict).toBe('warning');
      const migrating = report.findings.find((f) => f.code === 'slot_migrating');
      expect(migrating?.evidence).toMatchObject({ node: addr(m0), slots: [{ slot: 100, to: ids.get(m1), toAddress: addr(m1) }] });
      expect(report.findings.find((f) => f.code === 'slot_importing')?.evidence).toMatchObject({ node: addr(m1), slots: [{ slot: 100, from: ids.get(m0) }] });
      const topology = await readTopology(target, manager);
      expect(topology.nodes.find((n) => n.address === addr(m0))?.migrating).toEqual([{ slot: 100, to: ids.get(m1) }]);
    } finally {
      await cmd(m0, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
      await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
    }
    expect((await health()).redisCliVerdict).toBe('ok');
  });

  it('uncovered slots: deleted everywhere, nobody owns them', async () => {
    const m2 = own.cluster.masters[2] as RedisProcess;
    await Promise.all(own.cluster.nodes.map((n) => cmd(n, 'CLUSTER', 'DELSLOTSRANGE', '16000', '16383')));
    const report = await compareWithRedisCli();
    expect(report.redisCliVerdict).toBe('error');
    const uncovered = report.findings.find((f) => f.code === 'slots_not_covered');
    expect(uncovered).toMatchObject({ severity: 'error', evidence: { uncoveredCount: 384, uncovered: '16000-16383', byOwner: [{ owner: null, slots: '16000-16383' }] } });
    expect(codes(report)).toContain('cluster_state_fail');
    expect(report.summary.slotsCovered).toBe(16000);
    // Give them back and wait for every node to agree again.
    await cmd(m2, 'CLUSTER', 'ADDSLOTSRANGE', '16000', '16383');
    await eventually('slots re-covered', health, (r) => r.verdict === 'ok');
  });

  it('killed master with failover: redis-cli sees nothing wrong, health sees the failed node and the lost redundancy', async () => {
    const [m0] = own.cluster.masters as [RedisProcess];
    const r0 = own.cluster.replicas[0] as RedisProcess;
    await m0.stop();
    const settled = await eventually(
      'replica promoted and the old master marked failed',
      health,
      (r) => r.findings.some((f) => f.code === 'node_failed' && f.evidence['node'] === addr(m0) && f.severity === 'warning') && r.redisCliVerdict === 'ok' && !codes(r).includes('cluster_state_fail'),
    );
    expect(settled.summary.masters).toBe(3);
    const report = await compareWithRedisCli();
    expect(report.redisCliVerdict).toBe('ok');
    expect(report.verdict).toBe('warning');
    expect(report.findings.find((f) => f.code === 'master_without_replica')?.evidence).toMatchObject({ master: addr(r0), replicas: [] });
    const topology = await readTopology(target, manager);
    const promoted = topology.nodes.find((n) => n.address === addr(r0));
    expect(promoted).toMatchObject({ role: 'master', slots: [[0, 5460]], reachable: true });
    expect(topology.nodes.find((n) => n.address === addr(m0))).toMatchObject({ reachable: false, failState: 'fail', slotCount: 0 });
  });

  it('killed master without failover (replica-no-failover): uncovered slots, a replica of an unknown master', async () => {
    const m1 = own.cluster.masters[1] as RedisProcess;
    const r1 = own.cluster.replicas[1] as RedisProcess;
    await cmd(r1, 'CONFIG', 'SET', 'cluster-replica-no-failover', 'yes');
    await m1.stop();
    await eventually('master marked failed', health, (r) =>
      r.findings.some((f) => f.code === 'node_failed' && f.evidence['node'] === addr(m1) && (f.evidence['failedBy'] as string[]).length >= 3),
    );
    const report = await compareWithRedisCli();
    expect(report.redisCliVerdict).toBe('error');
    expect(report.findings.find((f) => f.code === 'slots_not_covered')?.evidence).toMatchObject({
      uncovered: '5461-10921',
      byOwner: [{ owner: { id: ids.get(m1), address: addr(m1) }, slots: '5461-10921' }],
    });
    expect(report.findings.find((f) => f.code === 'replica_of_unknown_master')?.evidence).toMatchObject({ replica: addr(r1), masterId: ids.get(m1) });
    expect(report.findings.find((f) => f.code === 'node_failed' && f.evidence['node'] === addr(m1))?.severity).toBe('error');
    expect(codes(report)).toContain('cluster_state_fail');
  });
});
