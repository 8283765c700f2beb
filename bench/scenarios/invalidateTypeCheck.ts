import { Redis } from 'ioredis';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { parseInfo, spawnAzurite, spawnRedis, type RedisProcess } from '../../tools/local/index';
import { median, report } from '../benchResult';
import { benchJobs, populate, redisCliInvalidate } from './invalidateSetup';

/** Keys per namespace: `ns:*` (invalidated) beside as many `other:*`. @default 1000000 */
const half = Number(process.env['BENCH_TYPECHECK_KEYS'] ?? 1_000_000);
/** Runs of each arm, interleaved (with check, without, redis-cli); medians are reported. @default 3 */
const rounds = Number(process.env['BENCH_TYPECHECK_ROUNDS'] ?? 3);
/** Streams and queues (lists without TTL) added under `ns:` so the check has something to keep. @default 100 each */
const messagingKeys = 100;
const scanCount = 5000;

interface Arm {
  server: RedisProcess;
  ms: number[];
  /** Redis CPU (user + sys) spent during the run, ms. */
  redisCpuMs: number[];
  deleted: number[];
  skipped: number[];
}

/**
 * The cost of the messaging check on invalidation (docs/jobs.md, "Streams and queues"): the same standalone
 * invalidation of `half` keys with the check (the default, streams and queues kept) — by the `messagingKeys`
 * script, and by the TYPE + PTTL pipelines a node refusing scripts gets — and without it (`force`, an admin's
 * override: UNLINK only), through the real job machinery, beside `redis-cli --scan | xargs redis-cli unlink`.
 * Reports keys/s, the check's cost in % and µs per key, and Redis CPU per key.
 */
export async function invalidateTypeCheck(): Promise<void> {
  // The second server refuses EVALSHA, as a node without scripting would: the check falls back to TYPE + PTTL pipelines.
  const [redis, noScripts, azurite] = await Promise.all([spawnRedis(), spawnRedis({ args: ['--rename-command', 'EVALSHA', ''] }), spawnAzurite()]);
  const clients = new Map([redis, noScripts].map((server) => [server, new Redis(server.url)]));
  const arm = (server: RedisProcess): Arm => ({ server, ms: [], redisCpuMs: [], deleted: [], skipped: [] });
  const script = arm(redis);
  const pipeline = arm(noScripts);
  const unchecked = arm(redis);
  const peer = arm(redis);
  try {
    const spec = (server: RedisProcess) => ({ mode: 'standalone' as const, endpoints: [{ host: server.host, port: server.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } });
    const jobs = new Map([
      [redis, await benchJobs(azurite.connectionString, spec(redis), 'ns:*')],
      [noScripts, await benchJobs(azurite.connectionString, spec(noScripts), 'ns:*', 'nos')],
    ]);
    const ours = (force: boolean) => async (server: RedisProcess) => {
      const r = await (jobs.get(server) as Jobs).invalidate({ scanCount, force });
      return { ms: r.ms, deleted: r.progress['deleted'] ?? 0, skipped: r.progress['skippedMessaging'] ?? 0 };
    };
    const redisCli = async (server: RedisProcess) => {
      const client = clients.get(server) as Redis;
      const before = await client.dbsize();
      const ms = await redisCliInvalidate(server.port, 'ns:*');
      return { ms, deleted: before - (await client.dbsize()), skipped: 0 };
    };
    for (let i = 0; i < rounds; i++) {
      await measure(clients, script, ours(false));
      await measure(clients, pipeline, ours(false));
      await measure(clients, unchecked, ours(true));
      await measure(clients, peer, redisCli);
    }
    const total = half + 2 * messagingKeys;
    const ms = (a: Arm) => median(a.ms);
    const keysPerSecond = (a: Arm) => Math.round(total / (ms(a) / 1000));
    const cost = (a: Arm) => ({ percent: Math.round((ms(a) / ms(unchecked) - 1) * 1000) / 10, microsPerKey: Math.round(((ms(a) - ms(unchecked)) * 1000 * 100) / total) / 100 });
    const redisCpuPerKey = (a: Arm) => Math.round((median(a.redisCpuMs) * 1000 * 100) / total) / 100;
    report({
      scenario: 'invalidateTypeCheck',
      what: `standalone redis-server, ${2 * half + 2 * messagingKeys} keys, invalidate the ${total} of ns:* (${messagingKeys} streams + ${messagingKeys} queues among them, kept by the messaging check): with the check vs redis-cli (which deletes them too)`,
      ours: keysPerSecond(script),
      peer: keysPerSecond(peer),
      peerName: 'redis-cli --scan | xargs -n 1000 redis-cli unlink',
      unit: 'keys/s',
      ratio: ms(peer) / ms(script),
      details: {
        machine: 'shared machine: 8 engineers on 2 cores, not a quiet-machine figure',
        rounds,
        keysPerSecond: { checkByScript: keysPerSecond(script), checkByPipeline: keysPerSecond(pipeline), withoutCheck: keysPerSecond(unchecked), redisCli: keysPerSecond(peer) },
        seconds: { checkByScript: script.ms.map(round3), checkByPipeline: pipeline.ms.map(round3), withoutCheck: unchecked.ms.map(round3), redisCli: peer.ms.map(round3) },
        checkCost: { byScript: cost(script), byPipeline: cost(pipeline) },
        redisCpuMicrosPerKey: { checkByScript: redisCpuPerKey(script), checkByPipeline: redisCpuPerKey(pipeline), withoutCheck: redisCpuPerKey(unchecked), redisCli: redisCpuPerKey(peer) },
        deleted: { checkByScript: script.deleted, checkByPipeline: pipeline.deleted, withoutCheck: unchecked.deleted, redisCli: peer.deleted },
        skippedMessaging: { checkByScript: script.skipped, checkByPipeline: pipeline.skipped, withoutCheck: unchecked.skipped },
        scanCount,
      },
    });
    console.log(
      `invalidateTypeCheck: without the check ${keysPerSecond(unchecked)} keys/s; the check by script costs ${cost(script).percent} % (${cost(script).microsPerKey} µs/key), by pipeline ${cost(pipeline).percent} % (${cost(pipeline).microsPerKey} µs/key)`,
    );
  } finally {
    await Promise.all([...clients.values()].map((c) => c.quit()));
    await redisConnections.closeAll();
    await Promise.all([redis.stop(), noScripts.stop(), azurite.stop()]);
  }
}

type Jobs = Awaited<ReturnType<typeof benchJobs>>;

/** Fresh data on the arm's server (`half` × 2 strings, the streams and queues), then one timed run with Redis CPU. */
async function measure(clients: Map<RedisProcess, Redis>, arm: Arm, run: (server: RedisProcess) => Promise<{ ms: number; deleted: number; skipped: number }>): Promise<void> {
  const client = clients.get(arm.server) as Redis;
  const redisCpuMs = async () => {
    const info = parseInfo(await client.info('cpu'));
    return (Number(info.get('used_cpu_user')) + Number(info.get('used_cpu_sys'))) * 1000;
  };
  await client.flushall();
  await populate(client, half);
  const p = client.pipeline();
  for (let i = 0; i < messagingKeys; i++) p.xadd(`ns:stream:${i}`, '*', 'f', 'v').rpush(`ns:queue:${i}`, 'job');
  await p.exec();
  const cpu = await redisCpuMs();
  const r = await run(arm.server);
  arm.redisCpuMs.push((await redisCpuMs()) - cpu);
  arm.ms.push(r.ms);
  arm.deleted.push(r.deleted);
  arm.skipped.push(r.skipped);
}

const round3 = (ms: number) => Math.round(ms) / 1000;
