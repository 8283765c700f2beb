import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { analyzeCluster } from '../../shared/eviction/analysis/analyzeCluster';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { spawnRedis } from '../../tools/local/index';
import { report } from '../benchResult';
import { benchRuns, jobStartPhases, printStartAndHandoffs, runJob, spread, startUserHost, warmUp, type UserPathRun } from '../userPath';
import { populate } from './analysisData';

const run = promisify(execFile);
/** Keys in the data set (the issue: 2M). @default 2000000 */
const total = Number(process.env['BENCH_ANALYSIS_KEYS'] ?? 2_000_000);

/**
 * The user's path for an exact analysis: `POST /api/clusters/local/analysis {mode: exact, maxKeysPerSecond:
 * 1000000}` through npm start's host, polled until succeeded, on `total` keys in five namespaces
 * (bench/scenarios/analysisData.ts), vs `redis-cli --memkeys --memkeys-samples 5` on the same data and our engine
 * alone (analyzeCluster in the bench process). `BENCH_RUNS` interleaved rounds.
 */
export async function analysisUserPath(): Promise<void> {
  const server = await spawnRedis();
  const host = await startUserHost({ redisUrl: server.url });
  const manager = new RedisConnectionManager({ commandTimeoutMs: 10_000 });
  const user: UserPathRun[] = [];
  const engine: number[] = [];
  const peer: number[] = [];
  let cold: Awaited<ReturnType<typeof warmUp>> | undefined;
  try {
    await populate(server.port, total);
    cold = await warmUp(host, '/api/clusters/local/analysis', { mode: 'sampled', samples: 100 });
    const target = { id: 'bench', mode: 'standalone' as const, endpoints: [{ host: server.host, port: server.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
    for (let i = 0; i < benchRuns; i++) {
      const r = await runJob(host, '/api/clusters/local/analysis', { mode: 'exact', maxKeysPerSecond: 1_000_000 }, { watch: { commands: ['evalsha', 'eval', 'scan'], nodes: [{ host: server.host, port: server.port }] } });
      user.push(r);
      let started = performance.now();
      // The job's own pacing: the page throttle's 50 ms guard is not a request field, so the engine runs with it too.
      await analyzeCluster(target, [], { mode: 'exact', samples: 20_000, manager, memorySamples: 5, maxKeysPerSecond: 1_000_000, latencyGuardMs: 50, timeoutMs: 600_000 });
      engine.push(performance.now() - started);
      started = performance.now();
      await run('redis-cli', ['-p', String(server.port), '--memkeys', '--memkeys-samples', '5'], { maxBuffer: 1 << 26 });
      peer.push(performance.now() - started);
    }
  } finally {
    await manager.closeAll();
    await host.stop();
    await server.stop();
  }
  const ours = spread(user.map((r) => r.ms / 1000));
  const peers = spread(peer.map((ms) => ms / 1000));
  const engines = spread(engine.map((ms) => ms / 1000));
  const ratio = peers.median / ours.median;
  report({
    scenario: 'analysisUserPath',
    what: `user path: POST analysis (exact, maxKeysPerSecond 1000000) through npm start's host until GET /api/jobs/{id} says succeeded, ${total} keys in 5 namespaces on one redis-server; median of ${benchRuns} round(s)`,
    ours: ours.median,
    peer: peers.median,
    peerName: 'redis-cli --memkeys --memkeys-samples 5',
    unit: 's',
    ratio,
    target: { ratio: 4, met: ratio >= 4 },
    details: {
      userPathSeconds: ours,
      engineOnlySeconds: engines,
      peerSeconds: peers,
      engineRatio: peers.median / engines.median,
      pollMs: user[0]?.pollMs,
      jobStartMs: spread(user.map((r) => Math.round(r.firstCommandMs ?? NaN))),
      jobStartPhases: jobStartPhases(user),
      pollingAddsMs: spread(user.map((r) => Math.round(r.ms - r.finishedMs))),
      chunks: user.map((r) => r.view.chunks),
      handoffs: user.map((r) => r.view.handoffs ?? null),
      coldFirstJob: cold,
      keysProbed: user.map((r) => r.view.progress.probed ?? r.view.progress.keys ?? null),
    },
  });
  printStartAndHandoffs('analysisUserPath', user);
}
