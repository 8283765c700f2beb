import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { analyzeCluster, type ClusterAnalysis } from '../../shared/eviction/analysis/analyzeCluster';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { spawnRedis } from '../../tools/local/index';
import { median, report } from '../benchResult';
import { benchShapes, populate } from './analysisData';

const run = promisify(execFile);
/** Keys in the data set. @default 1000000 */
const total = Number(process.env.BENCH_ANALYSIS_KEYS ?? 1_000_000);
/** Runs per side, interleaved; the median is reported. @default 3 */
const runs = Number(process.env.BENCH_ANALYSIS_RUNS ?? 3);
/** Keys drawn by the sampled analysis. @default 20000 */
const samples = Number(process.env.BENCH_ANALYSIS_SAMPLES ?? 20_000);

/**
 * Memory analysis on `total` keys in five namespaces of different shapes (bench/scenarios/analysisData.ts), on a
 * private redis-server: our exact analysis (SCAN + the Lua page probe, grouped by namespace) beside
 * `redis-cli --memkeys --memkeys-samples 5` (SCAN + TYPE + MEMORY USAGE … SAMPLES 5, as ours; no grouping) on the same
 * data; then our sampled analysis
 * beside our exact one, with the error of its per-namespace memory estimates.
 */
export async function analysis(): Promise<void> {
  const server = await spawnRedis();
  const manager = new RedisConnectionManager({ commandTimeoutMs: 10_000 });
  try {
    const loadStarted = Date.now();
    await populate(server.port, total);
    const loadMs = Date.now() - loadStarted;
    const target = { id: 'bench', mode: 'standalone' as const, endpoints: [{ host: server.host, port: server.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
    const ours = (mode: 'exact' | 'sampled'): Promise<ClusterAnalysis> =>
      analyzeCluster(target, [], { mode, samples, manager, memorySamples: 5, maxKeysPerSecond: Infinity, latencyGuardMs: Infinity, timeoutMs: 600_000 });
    const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      const started = process.hrtime.bigint();
      const value = await fn();
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
    };

    const exact: { ms: number; value: ClusterAnalysis }[] = [];
    const cli: { ms: number; value: string }[] = [];
    const sampled: { ms: number; value: ClusterAnalysis }[] = [];
    for (let i = 0; i < runs; i++) {
      exact.push(await timed(() => ours('exact')));
      cli.push(await timed(async () => (await run('redis-cli', ['-p', String(server.port), '--memkeys', '--memkeys-samples', '5'], { maxBuffer: 1 << 26 })).stdout));
      sampled.push(await timed(() => ours('sampled')));
    }
    const cliKeys = Number(/Sampled (\d+) keys in the keyspace/.exec(cli[0]?.value ?? '')?.[1] ?? NaN);
    const reference = exact[0]?.value as ClusterAnalysis;
    const exactMs = median(exact.map((r) => r.ms));
    const cliMs = median(cli.map((r) => r.ms));
    report({
      scenario: 'analysisExact',
      what: `exact memory analysis of ${total} keys (5 namespaces, strings/hashes/lists, TTLs from 30 min to 40 days) on one redis-server; median of ${runs} interleaved runs`,
      ours: exactMs,
      peer: cliMs,
      peerName: 'redis-cli --memkeys --memkeys-samples 5',
      unit: 'ms',
      ratio: cliMs / exactMs,
      target: { ratio: 2, met: cliMs / exactMs >= 2 },
      details: {
        keysAnalysedByUs: reference.summary.keysProbed,
        keysSampledByRedisCli: cliKeys,
        oursMs: exact.map((r) => Math.round(r.ms)),
        redisCliMs: cli.map((r) => Math.round(r.ms)),
        loadMs,
        groupedByNamespace: { ours: reference.summary.namespaces.map((n) => n.namespace), redisCli: 'none (totals per type and the biggest key per type only)' },
        namespaces: Object.fromEntries(reference.summary.namespaces.map((n) => [n.namespace, { keys: n.keys.value, memoryBytes: n.memoryBytes.value, noTtlKeys: n.ttl['none']?.keys ?? 0 }])),
        recommendation: reference.recommendation.recommended,
        redisCliSummary: (cli[0]?.value ?? '').split('\n').filter((l) => /Sampled|Total key length|bytes in|keys with/.test(l)).slice(0, 12),
      },
    });

    const sampledMs = median(sampled.map((r) => r.ms));
    const errors = sampled.map((s) =>
      Object.fromEntries(
        reference.summary.namespaces.map((e) => {
          const estimate = s.value.summary.namespaces.find((n) => n.namespace === e.namespace);
          const value = estimate?.memoryBytes.value ?? 0;
          return [e.namespace, { exactBytes: e.memoryBytes.value, estimateBytes: Math.round(value), relativeError: (value - e.memoryBytes.value) / e.memoryBytes.value, bound95: estimate?.memoryBytes.errorBound95 ? estimate.memoryBytes.errorBound95 / e.memoryBytes.value : null, withinBound: Math.abs(value - e.memoryBytes.value) <= (estimate?.memoryBytes.errorBound95 ?? 0) }];
        }),
      ),
    );
    const worst = Math.max(...errors.flatMap((run) => Object.values(run).map((e) => Math.abs(e.relativeError))));
    report({
      scenario: 'analysisSampled',
      what: `sampled analysis (${samples} RANDOMKEY draws) vs our exact analysis of the same ${total} keys; median of ${runs} runs; error = per-namespace memory estimate vs exact`,
      ours: sampledMs,
      peer: exactMs,
      peerName: 'our exact analysis',
      unit: 'ms',
      ratio: exactMs / sampledMs,
      target: { ratio: 10, met: exactMs / sampledMs >= 10 && worst <= 0.05 },
      details: {
        samples,
        worstRelativeMemoryError: worst,
        errorTarget: 0.05,
        errorTargetMet: worst <= 0.05,
        sampledMs: sampled.map((r) => Math.round(r.ms)),
        perRun: errors,
        shapes: benchShapes.map((s) => ({ prefix: s.prefix, share: s.share })),
      },
    });
  } finally {
    await manager.closeAll();
    await server.stop();
  }
}
