import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { startInProcessHost, type Call } from '../inProcessHost';
import { freeClusterPort, redisText, spawnAzurite, spawnRedis, spawnRedisCluster, type RedisClusterProcesses, type RedisProcess } from '../../tools/local/index';
import { execFile } from 'node:child_process';
import { report } from '../benchResult';
import { startGetLoad } from './invalidateSetup';

/** Runs a command to its end; never rejects (the exit code says how it went). */
function runCommand(command: string, args: string[], options: { timeoutMs: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(command, args, { timeout: options.timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Keys over the 3 masters (the issue: 1M × 100 B). @default 1000000 */
const KEYS = Number(process.env['BENCH_RESHARD_KEYS'] ?? 1_000_000);
const SLOTS = 5461;
const apiKey = 'bench-reshard-admin-key-0123456789';

interface Bed {
  cluster: RedisClusterProcesses;
  fourth: RedisProcess;
  fourthId: string;
}

/** A fresh 3-master cluster with `KEYS` keys of 100 B and an empty 4th master that met it. */
async function bed(): Promise<Bed> {
  const cluster = await spawnRedisCluster({ masters: 3, replicasPerMaster: 0 });
  const fourth = await spawnRedis({ port: await freeClusterPort(), args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--cluster-announce-ip', '127.0.0.1'] });
  const fourthId = await redisText(fourth.host, fourth.port, ['CLUSTER', 'MYID']);
  const first = cluster.masters[0] as RedisProcess;
  await redisText(fourth.host, fourth.port, ['CLUSTER', 'MEET', first.host, String(first.port)]);
  for (;;) {
    const views = await Promise.all([...cluster.nodes, fourth].map((n) => redisText(n.host, n.port, ['CLUSTER', 'NODES'])));
    // The new master also needs cluster_state:ok (a master joins writable only ~2 s after it starts): before
    // that it answers CLUSTERDOWN to the RESTORE-ASKING of a MIGRATE.
    const states = await Promise.all([...cluster.nodes, fourth].map((n) => redisText(n.host, n.port, ['CLUSTER', 'INFO'])));
    if (views.every((v) => v.includes(fourthId) && !v.includes('handshake') && v.trim().split('\n').length === 4) && states.every((s) => s.includes('cluster_state:ok'))) break;
    await sleep(100);
  }
  const masters = cluster.masters.map((m) => new Redis(m.port, m.host));
  const slots = (await masters[0]?.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
  const ownerOf = new Array<Redis>(16384);
  for (const [lo, hi, [, port]] of slots) for (let s = lo; s <= hi; s++) ownerOf[s] = masters.find((m) => m.options.port === port) as Redis;
  const value = 'v'.repeat(100);
  for (let i = 0; i < KEYS; i += 20_000) {
    const pipelines = new Map(masters.map((m) => [m, m.pipeline()]));
    for (let j = i; j < Math.min(KEYS, i + 20_000); j++) {
      const key = `key:${j}`;
      pipelines.get(ownerOf[keySlot(Buffer.from(key))] as Redis)?.set(key, value);
    }
    await Promise.all([...pipelines.values()].map((p) => p.exec()));
  }
  await Promise.all(masters.map((m) => m.quit()));
  return { cluster, fourth, fourthId };
}

async function dispose(b: Bed): Promise<void> {
  await Promise.all([b.cluster.stop(), b.fourth.stop()]);
}

/** Keys on the 4th master afterwards and whether redis-cli --cluster check is clean. */
async function verify(b: Bed): Promise<{ keysOnTarget: number; totalKeys: number; checkOk: boolean }> {
  const sizes = await Promise.all([...b.cluster.masters, b.fourth].map((n) => redisText(n.host, n.port, ['DBSIZE'])));
  const check = await runCommand('redis-cli', ['--cluster', 'check', `${b.fourth.host}:${b.fourth.port}`], { timeoutMs: 60_000 });
  return { keysOnTarget: Number(sizes[3]), totalKeys: sizes.reduce((n, s) => n + Number(s), 0), checkOk: check.code === 0 };
}

/** `INFO commandstats` of one node: calls and server µs per command. */
async function commandStats(n: RedisProcess): Promise<Map<string, { calls: number; usec: number }>> {
  const text = await redisText(n.host, n.port, ['INFO', 'commandstats']);
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) stats.set(m[1] as string, { calls: Number(m[2]), usec: Number(m[3]) });
  return stats;
}

/**
 * Server time a run cost, from `INFO commandstats` before and after on every node: per role (sources, target), the
 * commands that took ≥ 1 % of it (calls, seconds). Tells the server's share of a run's wall time from the client's.
 */
async function serverTime<T>(b: Bed, run: () => Promise<T>): Promise<{ value: T; server: Record<string, Record<string, { calls: number; seconds: number }>>; cpuSeconds: Record<string, number> }> {
  const nodes = [...b.cluster.masters, b.fourth];
  const before = await Promise.all(nodes.map(commandStats));
  const cpuBefore = await Promise.all(nodes.map(cpuOf));
  const ownBefore = process.cpuUsage();
  const value = await run();
  const own = process.cpuUsage(ownBefore);
  const cpuAfter = await Promise.all(nodes.map(cpuOf));
  const after = await Promise.all(nodes.map(commandStats));
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  const cpuSeconds = {
    sources: round(cpuAfter.slice(0, -1).reduce((n, c, i) => n + c - (cpuBefore[i] ?? 0), 0)),
    target: round((cpuAfter.at(-1) ?? 0) - (cpuBefore.at(-1) ?? 0)),
    thisProcess: round((own.user + own.system) / 1e6),
  };
  const server: Record<string, Record<string, { calls: number; seconds: number }>> = {};
  nodes.forEach((_, i) => {
    const role = i === nodes.length - 1 ? 'target' : 'sources';
    const into = (server[role] ??= {});
    for (const [command, { calls, usec }] of after[i] ?? []) {
      const was = before[i]?.get(command) ?? { calls: 0, usec: 0 };
      if (command === 'info' || calls === was.calls) continue;
      const sum = (into[command] ??= { calls: 0, seconds: 0 });
      sum.calls += calls - was.calls;
      sum.seconds += (usec - was.usec) / 1e6;
    }
  });
  for (const role of Object.values(server)) {
    const total = Object.values(role).reduce((n, c) => n + c.seconds, 0);
    for (const [command, c] of Object.entries(role)) {
      if (c.seconds < total / 100) delete role[command];
      else c.seconds = Math.round(c.seconds * 1000) / 1000;
    }
  }
  return { value, server, cpuSeconds };
}

/** CPU seconds (user + sys) a redis-server used since it started. */
async function cpuOf(n: RedisProcess): Promise<number> {
  const text = await redisText(n.host, n.port, ['INFO', 'cpu']);
  return Number(/used_cpu_sys:([\d.]+)/.exec(text)?.[1] ?? 0) + Number(/used_cpu_user:([\d.]+)/.exec(text)?.[1] ?? 0);
}

/** The local Functions host in this process (it can start once per process: both of our runs share it). */
function startOurHost(connectionString: string): ReturnType<typeof startInProcessHost> {
  return startInProcessHost({ connectionString, tablePrefix: 'bench', apiKey, topicKey: 'bench-reshard-topic-key-0123' });
}

/** Ours through the host's API: POST …/slots/reshard → poll the job until it is final (wall time of both). */
async function ours(call: Call, clusterId: string, b: Bed, tuning: Record<string, unknown>, load?: { port: number }): Promise<{ ms: number; job: Record<string, unknown>; timeline: Record<string, number | undefined>; gets?: unknown }> {
  try {
    const put = await call('PUT', `/api/clusters/${clusterId}`, { mode: 'cluster', endpoints: b.cluster.seeds, secretRef: { kind: 'none' } });
    if (put.status !== 201) throw new Error(`register: ${put.status} ${JSON.stringify(put.json)}`);
    const gets = load ? startGetLoad(load.port, KEYS, 'key:') : undefined;
    await gets?.ready;
    const started = performance.now();
    const requestedAt = Date.now();
    const res = await call('POST', `/api/clusters/${clusterId}/slots/reshard`, { to: b.fourthId, slots: SLOTS, ...tuning });
    if (res.status !== 202) throw new Error(`reshard: ${res.status} ${JSON.stringify(res.json)}`);
    let job: Record<string, unknown> = {};
    for (;;) {
      job = (await call('GET', `/api/jobs/${String(res.json['jobId'])}`)).json;
      if (job['status'] !== 'running' && job['status'] !== 'queued') break;
      await sleep(100);
    }
    const ms = performance.now() - started;
    // Where the wall time went around the job itself (the job's own timestamps, ms after the request).
    const at = (field: string): number | undefined => (typeof job[field] === 'string' ? Date.parse(job[field]) - requestedAt : undefined);
    const timeline = { jobStartedMs: at('startedAt'), jobFinishedMs: at('finishedAt'), pollSawItMs: Math.round(ms) };
    return { ms, job, timeline, ...(gets ? { gets: await gets.stop() } : {}) };
  } finally {
    await redisConnections.closeAll();
  }
}

/** `redis-cli --cluster reshard` of the same slots, at its default pipeline (10) or the one given. */
async function peer(b: Bed, pipeline?: number): Promise<{ ms: number; redisCliCpuSeconds: number }> {
  const first = b.cluster.masters[0] as RedisProcess;
  const args = ['--cluster', 'reshard', `${first.host}:${first.port}`, '--cluster-from', 'all', '--cluster-to', b.fourthId, '--cluster-slots', String(SLOTS), '--cluster-yes', ...(pipeline ? ['--cluster-pipeline', String(pipeline)] : [])];
  const started = performance.now();
  // GNU time prints redis-cli's own CPU (user sys) as the last line of stderr.
  const out = await runCommand('/usr/bin/time', ['-f', '%U %S', 'redis-cli', ...args], { timeoutMs: 1_800_000 });
  const ms = performance.now() - started;
  if (out.code !== 0) throw new Error(`redis-cli reshard failed (${out.code}): ${(out.stdout + out.stderr).slice(-2000)}`);
  const [user, sys] = (out.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { ms, redisCliCpuSeconds: Math.round(((user ?? 0) + (sys ?? 0)) * 1000) / 1000 };
}

/**
 * 1M keys × 100 B over 3 masters; a third of the slots (5461) move to an empty 4th master. Ours through the local
 * host's API (HTTP request → job finished) vs `redis-cli --cluster reshard` at its default pipeline and at
 * `--cluster-pipeline 1000`, each on a fresh identical cluster. Then ours paced (latency guard 2 ms) with a second
 * process running GETs on the keys being moved: their p99. Targets: ≥ 2× redis-cli at pipeline 1000; p99 < 5 ms.
 */
export async function reshard(): Promise<void> {
  // BENCH_RESHARD_RUNS=oursUnpaced,redisCliPipeline1000 runs only those (profiling); the result file is then not written.
  const only = process.env['BENCH_RESHARD_RUNS']?.split(',');
  const wanted = (name: string): boolean => !only || only.includes(name);
  const azurite = await spawnAzurite();
  const host = await startOurHost(azurite.connectionString);
  const runs: Record<string, Record<string, unknown>> = {};
  const seconds: Record<string, number> = {};
  let paced: Awaited<ReturnType<typeof ours>> | undefined;
  const measure = async (name: string, run: (b: Bed) => Promise<Record<string, unknown> & { ms: number }>): Promise<void> => {
    if (!wanted(name)) return;
    const b = await bed();
    try {
      const { value, server, cpuSeconds } = await serverTime(b, () => run(b));
      const { ms, ...rest } = value;
      seconds[name] = ms / 1000;
      runs[name] = { seconds: ms / 1000, ...rest, ...(await verify(b)), serverSeconds: server, cpuSeconds };
      console.log(`  ${name}: ${(ms / 1000).toFixed(2)} s, CPU s ${JSON.stringify(cpuSeconds)}, server s ${JSON.stringify(server)}${rest['getsOnASourceMaster'] ? `, GETs ${JSON.stringify(rest['getsOnASourceMaster'])}` : ''}`);
    } finally {
      await dispose(b);
    }
  };
  const ourRun = (id: string, tuning: Record<string, unknown>) => async (b: Bed) => {
    const r = await ours(host.call, id, b, tuning);
    return { ms: r.ms, status: r.job['status'], progress: r.job['progress'], timeline: r.timeline };
  };
  try {
    await measure('oursUnpaced', ourRun('bench1', { latencyGuard: null, slotConcurrency: 8 }));
    // The same with one slot per step (SETSLOTs, key fetches and MIGRATEs not grouped): what grouping slots gains.
    await measure('oursUnpacedOneSlotPerStep', ourRun('bench0', { latencyGuard: null, slotConcurrency: 8, slotsPerStep: 1 }));
    await measure('redisCliPipeline1000', (b) => peer(b, 1000));
    await measure('redisCliDefaultPipeline', (b) => peer(b));
    await measure('oursPaced', async (b) => {
      const source = b.cluster.masters[0] as RedisProcess;
      paced = await ours(host.call, 'bench2', b, { latencyGuard: { maxLatencyMs: 2 } }, { port: source.port });
      return { ms: paced.ms, status: paced.job['status'], progress: paced.job['progress'], timeline: paced.timeline, getsOnASourceMaster: paced.gets };
    });
    if (only) return;
    const fast = seconds['oursUnpaced'] as number;
    const p1000 = seconds['redisCliPipeline1000'] as number;
    const ratio = p1000 / fast;
    const p99 = Number((paced?.gets as { p99?: number } | undefined)?.p99 ?? NaN);
    report({
      scenario: 'reshard',
      what: `reshard ${SLOTS} slots (${KEYS} keys × 100 B over 3 masters) to an empty 4th master: HTTP request → job finished`,
      ours: fast,
      peer: p1000,
      peerName: 'redis-cli --cluster reshard --cluster-pipeline 1000',
      unit: 's',
      ratio,
      target: { ratio: 2, met: ratio >= 2 },
      details: {
        ...runs,
        ratioVsDefaultPipeline: (seconds['redisCliDefaultPipeline'] as number) / fast,
        groupingSpeedup: (seconds['oursUnpacedOneSlotPerStep'] as number) / fast,
        pacedGetP99Ms: p99,
        pacedTargetP99BelowMs: 5,
        pacedTargetMet: p99 < 5,
        note: 'serverSeconds: INFO commandstats deltas per role (commands ≥ 1 % of its server time); timeline: request → job started → job finished → poll saw it. Whether the machine was quiet is in machine.loadAverage1m',
      },
    });
  } finally {
    await host.stop();
    await azurite.stop();
  }
}
