import { Redis } from 'ioredis';
import { spawnRedis } from '../../tools/local/index';
import { report } from '../benchResult';
import { benchRuns, jobStartPhases, printStartAndHandoffs, runJob, spread, startUserHost, warmUp, type UserPathRun } from '../userPath';
import { benchJobs, populate, redisCliInvalidate } from './invalidateSetup';
import { spawnAzurite } from '../../tools/local/index';
import { redisConnections } from '../../shared/platform/redis/redisConnections';

/** Keys per namespace (the issue: 2M keys, invalidate the 1M of one namespace). @default 1000000 */
const half = Number(process.env['BENCH_INVALIDATE_KEYS'] ?? 1_000_000);
/** SCAN COUNT of our unthrottled run. @default 5000 */
const scanCount = Number(process.env['BENCH_INVALIDATE_SCAN_COUNT'] ?? 5000);

/**
 * The user's path: `POST /api/clusters/local/namespaces/ns/invalidate` (unthrottled) through `npm start`'s host,
 * polled until the job succeeded, vs `redis-cli --scan | xargs -n 1000 redis-cli unlink` on identical data, beside
 * the engine alone (the job machinery called in the bench process, Azurite checkpoints, no host). `BENCH_RUNS`
 * rounds, each: ours through the API, the engine, the peer (alternating, so machine noise hits all three).
 */
export async function invalidateUserPath(): Promise<void> {
  const redis = await spawnRedis();
  const client = new Redis(redis.url);
  const azurite = await spawnAzurite();
  const host = await startUserHost({ redisUrl: redis.url });
  const body = { keysPerSecondPerNode: null, latencyGuard: null, scanCount, maxKeys: 1_000_000_000 };
  const user: UserPathRun[] = [];
  const engine: number[] = [];
  const peer: number[] = [];
  /** Redis CPU (used_cpu_user + used_cpu_sys of the data server) per arm and round: the server's share of the work. */
  const redisCpu = { user: [] as number[], engine: [] as number[], peer: [] as number[] };
  const cpuSeconds = async () => {
    const info = await client.info('cpu');
    return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? NaN) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? NaN);
  };
  const measured = async <T>(arm: keyof typeof redisCpu, work: () => Promise<T>): Promise<T> => {
    const before = await cpuSeconds();
    const result = await work();
    redisCpu[arm].push((await cpuSeconds()) - before);
    return result;
  };
  let cold: Awaited<ReturnType<typeof warmUp>> | undefined;
  try {
    const ns = await host.api('PUT', '/api/clusters/local/namespaces/ns', { keyPattern: 'ns:*', ttlSeconds: null, priority: 50 });
    if (ns.status >= 300) throw new Error(`namespace PUT ${ns.status}: ${JSON.stringify(ns.json)}`);
    await host.api('PUT', '/api/clusters/local/namespaces/warmup', { keyPattern: 'warmup:*', ttlSeconds: null, priority: 50 });
    cold = await warmUp(host, '/api/clusters/local/namespaces/warmup/invalidate', body);
    const jobs = await benchJobs(azurite.connectionString, { mode: 'standalone', endpoints: [{ host: redis.host, port: redis.port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, 'ns:*');
    for (let i = 0; i < benchRuns; i++) {
      await client.flushall();
      await populate(client, half);
      const run = await measured('user', () => runJob(host, '/api/clusters/local/namespaces/ns/invalidate', body, { watch: { commands: ['unlink'], nodes: [{ host: redis.host, port: redis.port }] } }));
      if ((await client.dbsize()) !== half || run.view.progress.deleted !== half) throw new Error(`user path left ${(await client.dbsize()) - half} keys, deleted ${run.view.progress.deleted}`);
      user.push(run);
      await client.flushall();
      await populate(client, half);
      engine.push((await measured('engine', () => jobs.invalidate({ scanCount }))).ms);
      if ((await client.dbsize()) !== half) throw new Error('engine left keys');
      await client.flushall();
      await populate(client, half);
      peer.push(await measured('peer', () => redisCliInvalidate(redis.port, 'ns:*')));
      if ((await client.dbsize()) !== half) throw new Error('redis-cli left keys');
    }
  } finally {
    await host.stop();
    await client.quit();
    await redisConnections.closeAll();
    await Promise.all([redis.stop(), azurite.stop()]);
  }
  const ours = spread(user.map((r) => r.ms / 1000));
  const peers = spread(peer.map((ms) => ms / 1000));
  const engines = spread(engine.map((ms) => ms / 1000));
  const ratio = peers.median / ours.median;
  report({
    scenario: 'invalidateUserPath',
    what: `user path: POST invalidate (unthrottled, scanCount ${scanCount}) through npm start's host until GET /api/jobs/{id} says succeeded, ${half} of ${2 * half} keys, standalone redis-server; median of ${benchRuns} round(s)`,
    ours: ours.median,
    peer: peers.median,
    peerName: 'redis-cli --scan | xargs -n 1000 redis-cli unlink',
    unit: 's',
    ratio,
    target: { ratio: 2, met: ratio >= 2 },
    details: {
      userPathSeconds: ours,
      engineOnlySeconds: engines,
      peerSeconds: peers,
      engineRatio: peers.median / engines.median,
      redisCpuSeconds: { user: spread(redisCpu.user), engine: spread(redisCpu.engine), peer: spread(redisCpu.peer) },
      pollMs: user[0]?.pollMs,
      jobStartMs: spread(user.map((r) => Math.round(r.firstCommandMs ?? NaN))),
      jobStartPhases: jobStartPhases(user),
      finishedMs: spread(user.map((r) => Math.round(r.finishedMs))),
      pollingAddsMs: spread(user.map((r) => Math.round(r.ms - r.finishedMs))),
      chunks: user.map((r) => r.view.chunks),
      handoffs: user.map((r) => r.view.handoffs ?? null),
      coldFirstJob: cold,
      timings: user.map((r) => r.view.timings ?? null),
      pacing: user.map((r) => r.view.pacing ?? null),
    },
  });
  printStartAndHandoffs('invalidateUserPath', user);
}
