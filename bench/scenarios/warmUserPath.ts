import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { spawnRedis, spawnRedisCluster } from '../../tools/local/index';
import { report } from '../benchResult';
import { benchRuns, jobStartPhases, printStartAndHandoffs, runJob, spread, startUserHost, warmUp, type UserHost, type UserPathRun } from '../userPath';
import { dbsize, flush, ours, redisCliPipe, writeNdjson, writeResp } from './warm';
import { cpuBetween, cpuSnapshot, type CpuByRole } from './warmCpu';

const run = promisify(execFile);
/** Records in the NDJSON blob (100-byte values). @default 1000000 */
const keys = Number(process.env['BENCH_WARM_KEYS'] ?? 1_000_000);

/** The namespace `ns` with a warm plan from the uploaded blob (NX, TTL 1 h ± 10 %), on cluster `id`. */
async function warmNamespace(host: UserHost, id: string, file: string, ns = 'bench'): Promise<void> {
  const blobs = BlobServiceClient.fromConnectionString(host.connectionString).getContainerClient('warm-sources');
  await blobs.createIfNotExists();
  await blobs.getBlockBlobClient(`${ns}.ndjson`).uploadFile(file);
  const plan = { source: { kind: 'blob', container: 'warm-sources', blob: `${ns}.ndjson`, format: 'ndjson' }, mapping: { key: `${ns}:{id}`, value: 'value' }, writeMode: 'nx' };
  const res = await host.api('PUT', `/api/clusters/${id}/namespaces/${ns}`, { keyPattern: `${ns}:*`, ttlSeconds: 3600, ttlJitterPercent: 10, warmPlan: plan });
  if (res.status >= 300) throw new Error(`namespace PUT ${res.status}: ${JSON.stringify(res.json)}`);
}

/**
 * `redis-benchmark --cluster -t set -P 64 -d 100`: the cluster's own SET ceiling (requests/s). `sameCommand`: the
 * same tool and pipeline sending the warm's command instead, `SET key <100 B> PX 3600000 NX` on distinct keys
 * (`-r` 10⁹; `-t set -r n` overwrites about a third of its keys, which is cheaper for the servers than new ones).
 */
async function clusterCeiling(seed: { host: string; port: number }, n: number, sameCommand = false): Promise<number> {
  const command = sameCommand ? ['-r', '1000000000', 'SET', 'key:{tag}:__rand_int__', 'x'.repeat(100), 'PX', '3600000', 'NX'] : ['-t', 'set', '-d', '100', '-r', String(n)];
  const { stdout } = await run('redis-benchmark', ['--cluster', '-h', seed.host, '-p', String(seed.port), '-P', '64', '-n', String(n), '--csv', ...command], { maxBuffer: 1 << 24 });
  const rps = Number(/"SET[^"]*","([\d.]+)"/.exec(stdout)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`redis-benchmark printed no SET rate: ${stdout.slice(0, 500)}`);
  return rps;
}

/**
 * The user's path for warming: `POST /api/clusters/{id}/warm` of a namespace whose plan reads an NDJSON blob of
 * `keys` × 100-byte values from the host's Azurite (SET PX NX), polled until succeeded. Standalone: vs
 * `redis-cli --pipe` of the same SETs (RESP prepared in advance) and the engine alone (bench/scenarios/warmChild.ts
 * from a local file). Cluster (6 nodes, 3 masters): vs the cluster's own write ceiling, `redis-benchmark --cluster -t
 * set -P 64 -d 100` on the same nodes in the same run. `BENCH_RUNS` rounds.
 */
export async function warmUserPath(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-bench-warm-user-'));
  const ndjson = join(dir, 'keys.ndjson');
  const resp = join(dir, 'keys.resp');
  const server = await spawnRedis({ args: ['--save', '', '--appendonly', 'no'] });
  const host = await startUserHost({ redisUrl: server.url });
  const user: UserPathRun[] = [];
  const engine: number[] = [];
  const peer: number[] = [];
  const cpu: { userPath: CpuByRole[]; peer: CpuByRole[]; engine: CpuByRole[] } = { userPath: [], peer: [], engine: [] };
  let cold: Awaited<ReturnType<typeof warmUp>> | undefined;
  try {
    await writeNdjson(ndjson, keys);
    await writeResp(ndjson, resp);
    await warmNamespace(host, 'local', ndjson);
    const tiny = join(dir, 'tiny.ndjson');
    await writeNdjson(tiny, 10);
    await warmNamespace(host, 'local', tiny, 'warmup');
    cold = await warmUp(host, '/api/clusters/local/warm', { namespace: 'warmup' });
    for (let i = 0; i < benchRuns; i++) {
      flush(server.port);
      let before = cpuSnapshot();
      const r = await runJob(host, '/api/clusters/local/warm', { namespace: 'bench' }, { watch: { commands: ['set', 'evalsha', 'eval'], nodes: [{ host: server.host, port: server.port }] } });
      cpu.userPath.push(cpuBetween(before, cpuSnapshot()));
      if (dbsize(server.port) !== keys || r.view.progress.written !== keys) throw new Error(`user path: ${dbsize(server.port)} keys, written ${r.view.progress.written}`);
      user.push(r);
      flush(server.port);
      before = cpuSnapshot();
      const p = await redisCliPipe(server.port, resp);
      cpu.peer.push(cpuBetween(before, cpuSnapshot(), 'redis-cli'));
      if (dbsize(server.port) !== keys) throw new Error(`redis-cli --pipe left ${dbsize(server.port)} keys (${p.output})`);
      peer.push(p.ms);
      flush(server.port);
      before = cpuSnapshot();
      engine.push((await ours(ndjson, 'standalone', [{ host: server.host, port: server.port }])).ms);
      cpu.engine.push(cpuBetween(before, cpuSnapshot(), 'engine'));
    }
    flush(server.port);
    if (process.env['BENCH_WARM_CLUSTER'] !== '0') await clusterPart(host, ndjson);
  } finally {
    await host.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const rate = (ms: number) => keys / (ms / 1000);
  const oursRate = spread(user.map((r) => rate(r.ms)));
  const peerRate = spread(peer.map(rate));
  // The floor under the user path: the server's own work for these writes (the same commands as the peer's; see
  // warmServerCost for why no other command costs it less), plus job start and polling, which the peer has not.
  const serverSeconds = spread(cpu.userPath.map((c) => c['redis-server'] ?? 0)).median;
  const startSeconds = spread(user.map((r) => r.firstCommandMs ?? 0)).median / 1000;
  const pollSeconds = spread(user.map((r) => r.ms - r.finishedMs)).median / 1000;
  const floorSeconds = serverSeconds + startSeconds + pollSeconds;
  const peerWall = spread(peer).median / 1000;
  const floor = {
    peerServerBusyShare: spread(cpu.peer.map((c, i) => (c['redis-server'] ?? 0) / ((peer[i] ?? NaN) / 1000))).median,
    serverCpuSeconds: serverSeconds,
    jobStartSeconds: startSeconds,
    pollingSeconds: pollSeconds,
    userPathFloorSeconds: floorSeconds,
    bestPossibleRatio: peerWall / floorSeconds,
  };
  report({
    scenario: 'warmUserPath',
    what: `user path: POST warm of a namespace whose plan reads an NDJSON blob (${keys} × 100 B, SET PX NX) through npm start's host until GET /api/jobs/{id} says succeeded, one redis-server; median of ${benchRuns} round(s)`,
    ours: oursRate.median,
    peer: peerRate.median,
    peerName: 'redis-cli --pipe (RESP prepared in advance)',
    unit: 'keys/s',
    ratio: oursRate.median / peerRate.median,
    target: { ratio: 1, met: oursRate.median / peerRate.median >= 1 },
    details: {
      userPathSeconds: spread(user.map((r) => r.ms / 1000)),
      engineOnlySeconds: spread(engine.map((ms) => ms / 1000)),
      peerSeconds: spread(peer.map((ms) => ms / 1000)),
      engineRatio: rate(spread(engine).median) / peerRate.median,
      pollMs: user[0]?.pollMs,
      jobStartMs: spread(user.map((r) => Math.round(r.firstCommandMs ?? NaN))),
      jobStartPhases: jobStartPhases(user),
      pollingAddsMs: spread(user.map((r) => Math.round(r.ms - r.finishedMs))),
      chunks: user.map((r) => r.view.chunks),
      handoffs: user.map((r) => r.view.handoffs ?? null),
      coldFirstJob: cold,
      cpuSeconds: cpu,
      floor,
    },
  });
  printStartAndHandoffs('warmUserPath', user);
  console.log(
    `  warmUserPath floor: redis-cli --pipe kept redis-server ${Math.round(floor.peerServerBusyShare * 100)} % busy; ours needs the server ${serverSeconds.toFixed(2)} s + job start ${Math.round(startSeconds * 1000)} ms + polling ${Math.round(pollSeconds * 1000)} ms = ${floorSeconds.toFixed(2)} s at best → best possible ratio ${floor.bestPossibleRatio.toFixed(2)}× on this machine`,
  );
  printCpu('warmUserPath', { 'user path': { cpu: cpu.userPath, ms: user.map((r) => r.ms) }, 'redis-cli --pipe': { cpu: cpu.peer, ms: peer }, 'engine alone': { cpu: cpu.engine, ms: engine } });

}

/** Cluster warm through the same host vs `redis-benchmark --cluster` on the same nodes. */
async function clusterPart(chost: UserHost, ndjson: string): Promise<void> {
  const cluster = await spawnRedisCluster({ masters: 3, replicasPerMaster: 1 });
  const clusterUser: UserPathRun[] = [];
  const ceiling: number[] = [];
  const ceilingMs: number[] = [];
  const sameCommand: number[] = [];
  const cpu: { userPath: CpuByRole[]; peer: CpuByRole[]; sameCommand: CpuByRole[] } = { userPath: [], peer: [], sameCommand: [] };
  try {
    const reg = await chost.api('PUT', '/api/clusters/bench-cluster', { mode: 'cluster', endpoints: cluster.seeds, secretRef: { kind: 'none' } });
    if (reg.status >= 300) throw new Error(`cluster PUT ${reg.status}: ${JSON.stringify(reg.json)}`);
    await warmNamespace(chost, 'bench-cluster', ndjson);
    const flushAll = () => cluster.masters.forEach((m) => flush(m.port));
    const total = () => cluster.masters.reduce((n, m) => n + dbsize(m.port), 0);
    for (let i = 0; i < benchRuns; i++) {
      flushAll();
      let before = cpuSnapshot();
      const r = await runJob(chost, '/api/clusters/bench-cluster/warm', { namespace: 'bench' }, { watch: { commands: ['set', 'evalsha', 'eval'], nodes: cluster.masters } });
      cpu.userPath.push(cpuBetween(before, cpuSnapshot()));
      if (total() !== keys) throw new Error(`cluster holds ${total()} keys after the warm, expected ${keys}`);
      clusterUser.push(r);
      flushAll();
      before = cpuSnapshot();
      const t0 = performance.now();
      ceiling.push(await clusterCeiling(cluster.seeds[0] as { host: string; port: number }, keys));
      ceilingMs.push(performance.now() - t0);
      cpu.peer.push(cpuBetween(before, cpuSnapshot(), 'redis-benchmark'));
      flushAll();
      before = cpuSnapshot();
      sameCommand.push(await clusterCeiling(cluster.seeds[0] as { host: string; port: number }, keys, true));
      cpu.sameCommand.push(cpuBetween(before, cpuSnapshot(), 'redis-benchmark'));
    }
    flushAll();
  } finally {
    await cluster.stop();
  }
  const clusterRate = spread(clusterUser.map((r) => keys / (r.ms / 1000)));
  const ceilingRate = spread(ceiling);
  // The floor: the six servers' own CPU for the warm's command on distinct keys (measured with redis-benchmark
  // sending it), on the machine's cores, before any CPU for the writer, the host or Storage.
  const cores = availableParallelism();
  const sameCommandServerSeconds = spread(cpu.sameCommand.map((c) => c['redis-server'] ?? 0)).median;
  const clusterFloor = {
    cores,
    sameCommandServerCpuSeconds: sameCommandServerSeconds,
    userPathFloorSeconds: sameCommandServerSeconds / cores,
    bestPossibleRatio: keys / (sameCommandServerSeconds / cores) / ceilingRate.median,
  };
  report({
    scenario: 'warmClusterUserPath',
    what: `user path: the same warm (${keys} × 100 B from an NDJSON blob) into a 6-node cluster (3 masters + 3 replicas) through npm start's host; median of ${benchRuns} round(s)`,
    ours: clusterRate.median,
    peer: ceilingRate.median,
    peerName: 'redis-benchmark --cluster -t set -P 64 -d 100 (the same six nodes, same run)',
    unit: 'keys/s',
    ratio: clusterRate.median / ceilingRate.median,
    target: { ratio: 0.8, met: clusterRate.median / ceilingRate.median >= 0.8 },
    details: {
      userPathSeconds: spread(clusterUser.map((r) => r.ms / 1000)),
      ceilingRequestsPerSecond: ceilingRate,
      sameCommandCeiling: spread(sameCommand),
      ratioToSameCommandCeiling: clusterRate.median / spread(sameCommand).median,
      jobStartMs: spread(clusterUser.map((r) => Math.round(r.firstCommandMs ?? NaN))),
      jobStartPhases: jobStartPhases(clusterUser),
      chunks: clusterUser.map((r) => r.view.chunks),
      handoffs: clusterUser.map((r) => r.view.handoffs ?? null),
      cpuSeconds: cpu,
      floor: clusterFloor,
      note: 'redis-benchmark writes random keys of its own (-r), 50 clients, pipelines of 64 SETs of 100 bytes; ours reads, parses and maps NDJSON from Blob Storage and writes SET PX NX with TTL jitter. sameCommandCeiling: redis-benchmark sending SET PX NX on distinct keys to the same nodes (what the servers can take of the warm\'s own command)',
    },
  });
  printStartAndHandoffs('warmClusterUserPath', clusterUser);
  console.log(`  warmClusterUserPath: redis-benchmark sending the warm's own command (SET PX NX, distinct keys) ${Math.round(spread(sameCommand).median)} keys/s → ours ${(clusterRate.median / spread(sameCommand).median).toFixed(2)}× of that`);
  console.log(
    `  warmClusterUserPath floor: the servers alone need ${sameCommandServerSeconds.toFixed(2)} s of CPU for the warm's command on distinct keys = ${clusterFloor.userPathFloorSeconds.toFixed(2)} s on ${cores} cores → best possible ratio ${clusterFloor.bestPossibleRatio.toFixed(2)}× of the -t set ceiling on this machine`,
  );
  printCpu('warmClusterUserPath', { 'user path': { cpu: cpu.userPath, ms: clusterUser.map((r) => r.ms) }, 'redis-benchmark': { cpu: cpu.peer, ms: ceilingMs }, 'redis-benchmark SET PX NX': { cpu: cpu.sameCommand, ms: sameCommand.map((rps) => (keys / rps) * 1000) } });
}

/** Median CPU seconds per process role of each side, and how busy that kept the two cores (CPU / wall). */
function printCpu(scenario: string, sides: Record<string, { cpu: CpuByRole[]; ms: number[] }>): void {
  const parts = Object.entries(sides).map(([name, { cpu, ms }]) => {
    const roles = [...new Set(cpu.flatMap((c) => Object.keys(c)))];
    const median = (xs: number[]) => spread(xs).median;
    const wall = median(ms) / 1000;
    const text = roles.map((role) => `${role} ${median(cpu.map((c) => c[role] ?? 0)).toFixed(2)}`).join(', ');
    const all = median(cpu.map((c) => Object.values(c).reduce((a, b) => a + b, 0)));
    return `${name} ${wall.toFixed(2)} s wall: ${text} (sum ${all.toFixed(2)} s = ${Math.round((all / wall) * 100)} % of one core)`;
  });
  console.log(`  ${scenario} CPU seconds (median): ${parts.join('; ')}`);
}
