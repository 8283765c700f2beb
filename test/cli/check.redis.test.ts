import { describe, expect, inject, it } from 'vitest';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { useOwnCluster } from '../helpers/redis';
import { parseClusterCheck, redisCliCheck } from '../cluster/redisCliCheck';
import { useCliHarness } from './cliHarness';

// `rcm check` beside `redis-cli --cluster check` on one private 3x1 cluster, healthy and then broken: the same
// exit status and the same problems, read from both outputs by the same parser (test/cluster/redisCliCheck.ts).
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
const h = useCliHarness();
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);

/**
 * Runs both back to back from the entry node rcm reports and expects the same verdict, problems and exit
 * status. Gossip may move between the two runs, so a mismatch is re-sampled a few times before it fails.
 */
async function compare(): Promise<{ rcm: string; code: number | null }> {
  let last = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    const ours = await h.rcm(['check', 'broken']);
    const entry = /using node (\S+)\)/.exec(ours.stdout)?.[1];
    if (!entry) throw new Error(`no entry node in rcm check output:\n${ours.stdout}\n${ours.stderr}`);
    const theirs = await redisCliCheck(entry);
    const { output, exitCode, ...theirVerdict } = theirs;
    const ourVerdict = parseClusterCheck(ours.stdout);
    if (JSON.stringify(ourVerdict) === JSON.stringify(theirVerdict) && ours.code === exitCode) return { rcm: ours.stdout, code: ours.code };
    last = `rcm (exit ${String(ours.code)}): ${JSON.stringify(ourVerdict)}\n${ours.stdout}\nredis-cli (exit ${String(exitCode)}): ${JSON.stringify(theirVerdict)}\n${output}`;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`rcm check and redis-cli --cluster check disagree:\n${last}`);
}

describe('rcm check beside redis-cli --cluster check', () => {
  it('healthy: exit 0, the same [OK] lines, and the manager\'s info findings after them', async () => {
    const seeds = own.cluster.seeds.flatMap((s) => ['--endpoint', `${s.host}:${s.port}`]);
    expect((await h.rcm(['clusters', 'add', 'broken', '--mode', 'cluster', ...seeds])).code).toBe(0);
    const { rcm, code } = await compare();
    expect(code).toBe(0);
    expect(rcm).toMatch(/^\d+\.\d+\.\d+\.\d+:\d+ \([0-9a-f]{8}\.\.\.\) -> \d+ keys \| \d+ slots \| 1 slaves\.$/m);
    expect(rcm).toMatch(/^M: [0-9a-f]{40} \S+\n {3}slots:\[\d+-\d+\] \(\d+ slots\) master\n {3}1 additional replica\(s\)$/m);
    expect(rcm).toContain('>>> Beyond redis-cli (Redis Cluster Manager health):\n[rcm:INFO] maxmemory_not_set: ');
    expect(rcm.trimEnd().split('\n').at(-1)).toBe('[OK] No further problems found.');
  });

  it('open slot: [WARNING] migrating / importing / open slots, exit 1 like redis-cli', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess];
    const id0 = await cmd(m0, 'CLUSTER', 'MYID');
    const id1 = await cmd(m1, 'CLUSTER', 'MYID');
    await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', id0);
    await cmd(m0, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', id1);
    try {
      const { rcm, code } = await compare();
      expect(code).toBe(1);
      expect(rcm).toContain(`[WARNING] Node ${m0.host}:${m0.port} has slots in migrating state 100.`);
      expect(rcm).toContain('[WARNING] The following slots are open: 100.');
    } finally {
      await cmd(m0, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
      await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
    }
  });

  it('fix finishes an open slot with its keys (plan first, then a job); rcm check and redis-cli are clean after', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess];
    const id0 = await cmd(m0, 'CLUSTER', 'MYID');
    const id1 = await cmd(m1, 'CLUSTER', 'MYID');
    // A hash tag whose slot m0 owns (m0 answers MOVED for the others), and 20 keys in that slot.
    let tag = '';
    for (let i = 0; tag === '' && i < 100; i++) {
      if (await cmd(m0, 'SET', `probe{f${i}}`, 'x').then(() => true, () => false)) tag = `{f${i}}`;
    }
    expect(tag).not.toBe('');
    const slot = Number(await cmd(m0, 'CLUSTER', 'KEYSLOT', tag));
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}${tag}`);
    for (const k of keys) await cmd(m0, 'SET', k, `v-${k}`);
    await cmd(m1, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', id0);
    await cmd(m0, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', id1);
    const dry = await h.rcm(['fix', 'broken', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Plan: repair 1 slot\(s\) in 1 step\(s\), 21 keys \(\d+ to move\)/m); // the 20 and the probe
    expect(dry.stdout).toMatch(/^open_slot\s+\d+\s+1\s+move from \S+/m);
    expect((await h.rcm(['fix', 'broken'])).code).toBe(2); // no terminal, no --yes: refused, nothing changed
    const run = await h.rcm(['fix', 'broken', '--yes'], { timeoutMs: 120_000 });
    expect(run.stdout).toMatch(/^Job slots-\S+ succeeded in \d+s: repaired 1 of 1 slot\(s\), 21 keys moved\./m);
    expect(run.code).toBe(0);
    const { code } = await compare();
    expect(code).toBe(0);
    for (const k of keys) expect(await cmd(m1, 'GET', k)).toBe(`v-${k}`);
    expect(Number(await cmd(m0, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot)))).toBe(0);
    expect((await h.rcm(['fix', 'broken', '--yes'])).code).toBe(5); // nothing open: 409 nothing_to_fix
  }, 150_000);

  it('uncovered slots: [ERR] Not all 16384 slots are covered, exit 1, then the manager\'s cluster_state_fail with its fix', async () => {
    await Promise.all(own.cluster.nodes.map((n) => cmd(n, 'CLUSTER', 'DELSLOTSRANGE', '16000', '16383')));
    try {
      const { rcm, code } = await compare();
      expect(code).toBe(1);
      expect(rcm).toContain('[ERR] Not all 16384 slots are covered by nodes.');
      expect(rcm).toMatch(/^\[rcm:ERR\] cluster_state_fail: .*\n {4}fix: /m);
      const json = await h.rcm(['check', 'broken', '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ redisCliVerdict: 'error', findings: expect.arrayContaining([expect.objectContaining({ code: 'slots_not_covered', redisCli: true })]) });
    } finally {
      await cmd(own.cluster.masters[2] as RedisProcess, 'CLUSTER', 'ADDSLOTSRANGE', '16000', '16383');
    }
    // Back to healthy once gossip agrees again.
    const deadline = Date.now() + 20_000;
    let last = await h.rcm(['check', 'broken']);
    while (last.code !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      last = await h.rcm(['check', 'broken']);
    }
    expect(last.code).toBe(0);
  });

  it('--strict counts the manager\'s own warnings for the exit status', async () => {
    const server = own.cluster.masters[0] as RedisProcess;
    await cmd(server, 'CONFIG', 'SET', 'maxmemory', '2mb');
    try {
      // used_memory of an idle node is ~1.5-2.5 MB: over 85 % of 2 MB, so memory_headroom_low warns (or errors).
      // Health reuses one collection for 500 ms, so the first check may still see the old maxmemory.
      let plain = await h.rcm(['check', 'broken']);
      for (let i = 0; i < 20 && !/memory_headroom_low/.test(plain.stdout); i++) {
        await new Promise((r) => setTimeout(r, 300));
        plain = await h.rcm(['check', 'broken']);
      }
      const strict = await h.rcm(['check', 'broken', '--strict']);
      expect(plain.stdout).toMatch(/^\[rcm:(WARNING|ERR)\] memory_headroom_low: /m);
      expect(plain.code).toBe(0);
      expect(strict.code).toBe(1);
    } finally {
      await cmd(server, 'CONFIG', 'SET', 'maxmemory', '0');
    }
  });

  it('a standalone server has no redis-cli part; its own verdict decides the exit status', async () => {
    const { host, port } = inject('redisStandalone');
    expect((await h.rcm(['clusters', 'add', 'single', '--mode', 'standalone', '--endpoint', `${host}:${port}`])).code).toBe(0);
    const text = await h.rcm(['check', 'single']);
    expect(text.stdout).toMatch(/^>>> Standalone server \S+ \(master\): redis-cli --cluster check does not apply\n>>> Beyond redis-cli/);
    const report = JSON.parse((await h.rcm(['check', 'single', '--json'])).stdout) as { verdict: string; redisCliVerdict: string | null };
    expect(report.redisCliVerdict).toBeNull();
    expect(text.code).toBe(report.verdict === 'ok' ? 0 : 1);
  });

  it('eviction apply asks, then sets the policy on every node (CONFIG GET agrees) and audits it', async () => {
    expect((await h.rcm(['eviction', 'apply', 'broken', 'allkeys-lfu'])).code).toBe(2);
    expect((await h.rcm(['eviction', 'apply', 'broken', 'most-recently-used', '--yes'])).code).toBe(2);
    const applied = await h.rcm(['eviction', 'apply', 'broken', 'allkeys-lfu', '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toMatch(/^Applied allkeys-lfu to cluster broken/);
    for (const node of own.cluster.nodes) expect(await redisText(node.host, node.port, ['CONFIG', 'GET', 'maxmemory-policy'])).toContain('allkeys-lfu');
    const shown = (await h.rcm(['eviction', 'show', 'broken'])).stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(shown.map((r) => r[2])).toEqual(Array(6).fill('allkeys-lfu'));
    const events = (await h.rcm(['events', 'broken'])).stdout;
    expect(events).toMatch(/\tEviction\.PolicyApplied\tada\tprevious=noeviction applied=allkeys-lfu method=config-set/);
  });

  it('reshard shows the plan, asks naming the cluster, moves the slots as a job; check and redis-cli are satisfied after', async () => {
    const target = own.cluster.masters[0] as RedisProcess;
    const dry = await h.rcm(['reshard', 'broken', '--to', `${target.host}:${target.port}`, '--slots', '60', '--dry-run']);
    expect(dry.code).toBe(0);
    const pairs = dry.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t'));
    expect(pairs).toHaveLength(2);
    expect(pairs.every((p) => p[1] === `${target.host}:${target.port}`)).toBe(true);
    expect(pairs.reduce((n, p) => n + Number(p[3]), 0)).toBe(60);
    expect(dry.stdout).toMatch(/^Plan: 60 slot\(s\), /m);
    expect((await h.rcm(['reshard', 'broken', '--to', `${target.host}:${target.port}`, '--slots', '60'])).code).toBe(2);
    expect((await h.rcm(['reshard', 'broken', '--to', `${target.host}:${target.port}`])).code).toBe(2);
    const before = Number(/\((\d+) slots\) master/.exec((await h.rcm(['check', 'broken'])).stdout.split(`M: `).find((b) => b.includes(`${target.host}:${target.port}`)) ?? '')?.[1]);
    const run = await h.rcm(['reshard', 'broken', '--to', `${target.host}:${target.port}`, '--slots', '60', '--yes'], { timeoutMs: 120_000 });
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/\]\s+100 %\s+60\/60 slots/);
    expect(run.stdout).toMatch(/^Job slots-\S+ succeeded in \d+s: moved 60 of 60 slot\(s\), /m);
    expect(run.code).toBe(0);
    const { rcm, code } = await compare();
    expect(code).toBe(0);
    const after = Number(/\((\d+) slots\) master/.exec(rcm.split('M: ').find((b) => b.includes(`${target.host}:${target.port}`)) ?? '')?.[1]);
    expect(after).toBe(before + 60);
  }, 150_000);
});
