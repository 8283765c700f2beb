import { execFile, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { CommandTable } from '../../shared/monitoring/hotkeys/CommandTable';
import { monitorWindow } from '../../shared/monitoring/hotkeys/monitorWindow';
import { SpaceSaving } from '../../shared/monitoring/hotkeys/SpaceSaving';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { infoNumber, parseInfo } from '../../shared/platform/topology/parseInfo';
import { spawnRedis } from '../../tools/local/index';
import { report } from '../benchResult';

const run = promisify(execFile);
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
/** Keys in the Zipf(1.0) key space. @default 1000000 */
const keys = env('BENCH_HOTKEYS_KEYS', 1_000_000);
/** Seconds the radar runs (and the LFU copy gets the same load). @default 60 */
const radarSeconds = env('BENCH_HOTKEYS_RADAR_SECONDS', 60);
/** Seconds of load without the radar, before and after it. @default 30 */
const offSeconds = env('BENCH_HOTKEYS_OFF_SECONDS', 30);
/** The fixed rate as a share of the capacity measured first. @default 0.8 */
const loadShare = env('BENCH_HOTKEYS_LOAD_SHARE', 0.8);
/** Radar settings (the job's defaults). */
const windowMs = env('BENCH_HOTKEYS_WINDOW_MS', 500);
const dutyCycle = env('BENCH_HOTKEYS_DUTY', 0.04);
const maxBytes = env('BENCH_HOTKEYS_MAX_BYTES', 8 * 1024 * 1024);
const capacity = env('BENCH_HOTKEYS_CAPACITY', 1000);
const maxLatencyMs = process.env['BENCH_HOTKEYS_MAX_LATENCY_MS'] === undefined ? 5 : Number(process.env['BENCH_HOTKEYS_MAX_LATENCY_MS']);

interface PhaseStats {
  seconds: number;
  commands: number;
  opsPerSec: number;
  p99Ms: number | null;
  p50Ms: number | null;
  top: Array<[string, number]>;
}

class Generator {
  private constructor(private readonly child: ChildProcess) {}
  static async start(port: number): Promise<Generator> {
    const child = fork(join(__dirname, 'hotkeysLoad.js'), [String(port), String(keys), '1'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise((resolve) => child.once('message', resolve));
    return new Generator(child);
  }
  private ask<T>(message: object): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (m) => resolve(m as T));
      this.child.send(message);
    });
  }
  rate(rate: number): void {
    this.child.send({ cmd: 'rate', rate });
  }
  phase(): Promise<unknown> {
    return this.ask({ cmd: 'phase' });
  }
  stats(): Promise<PhaseStats> {
    return this.ask({ cmd: 'stats' });
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ cmd: 'stop' });
    });
  }
}

async function phase(gen: Generator, seconds: number, during?: () => Promise<void>): Promise<PhaseStats> {
  await gen.phase();
  if (during) await during();
  else await sleep(seconds * 1000);
  return gen.stats();
}

const recall = (found: readonly string[], truth: readonly string[]): number => truth.filter((k) => found.includes(k)).length / truth.length;

/**
 * Hot keys on one redis-server 7.0 under a Zipf(1.0) GET load over `keys` keys from a generator process: its capacity
 * first (as fast as it can for 5 s), then a fixed rate at `loadShare` of it — off, radar on, off again, same run.
 * Ours = the radar's own window loop (`monitorWindow` + Space-Saving + COMMAND INFO table, the job's defaults: 500 ms
 * windows at a 4 % duty cycle, 8 MiB cap, guard 5 ms) without the job's Table checkpoints. Measured: recall of the
 * true top-10/top-100 of the radar phase, relative error of the top-10's ops/s, time to a stable top-10 (from the
 * radar's start to the first window after which every later window has ≥ 90 % top-10 recall), and the generator's
 * throughput and p99 with the radar on vs off. Peer: `redis-cli --hotkeys` on an allkeys-lfu copy that got the
 * same load for the same time (its recall and its time).
 */
export async function hotkeys(): Promise<void> {
  const plain = await spawnRedis({ args: ['--enable-debug-command', 'yes', '--save', ''] });
  const lfuCopy = await spawnRedis({ args: ['--enable-debug-command', 'yes', '--save', '', '--maxmemory-policy', 'allkeys-lfu'] });
  const manager = new RedisConnectionManager({ commandTimeoutMs: 10_000 });
  const admin = new Redis({ port: plain.port });
  try {
    for (const port of [plain.port, lfuCopy.port]) {
      const r = new Redis({ port });
      await r.call('DEBUG', 'POPULATE', String(keys), 'key', '16');
      r.disconnect();
    }
    const gen = await Generator.start(plain.port);
    gen.rate(0);
    const capacityStats = await phase(gen, 5);
    const rate = Math.round(capacityStats.opsPerSec * loadShare);
    gen.rate(rate);
    await sleep(2000);
    const off1 = await phase(gen, offSeconds);

    const target = { id: 'bench', mode: 'standalone' as const, endpoints: [{ host: plain.host, port: plain.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
    const summary = new SpaceSaving(capacity);
    const snapshots: Array<{ t: number; top: string[]; commands: number }> = [];
    const windows: Array<{ bytesRead: number; commands: number; durationMs: number; stoppedBy: string; maxPingMs: number }> = [];
    let opsFirst = 0;
    let opsLast = 0;
    let opsSpanMs = 0;
    let radarStarted = 0;
    const on = await phase(gen, radarSeconds, () =>
      manager.run(
        target,
        async (connection) => {
          const node = await connection.node(target.endpoints[0] as { host: string; port: number });
          const table = new CommandTable();
          await table.learnCommon(node);
          const readOps = async () => infoNumber(parseInfo(String(await node.info('stats'))), 'total_commands_processed') ?? 0;
          radarStarted = Date.now();
          opsFirst = await readOps();
          while (Date.now() - radarStarted < radarSeconds * 1000) {
            const w = await monitorWindow(connection, target.endpoints[0] as { host: string; port: number }, node, table, summary, { windowMs, maxBytes, maxLatencyMs });
            windows.push({ bytesRead: w.bytesRead, commands: w.commands, durationMs: w.durationMs, stoppedBy: w.stoppedBy, maxPingMs: w.maxPingMs });
            snapshots.push({ t: (Date.now() - radarStarted) / 1000, top: summary.top(100).map((e) => e.key), commands: windows.reduce((a, x) => a + x.commands, 0) });
            await table.learnSeen(node);
            const off = Math.round(windowMs * (1 / dutyCycle - 1));
            await sleep(Math.max(0, Math.min(off, radarSeconds * 1000 - (Date.now() - radarStarted))));
          }
          opsLast = await readOps();
          opsSpanMs = Date.now() - radarStarted;
        },
        { timeoutMs: (radarSeconds + 60) * 1000 },
      ),
    );
    const off2 = await phase(gen, offSeconds);
    await gen.stop();

    const trueTop = on.top.map(([k]) => k);
    const true10 = trueTop.slice(0, 10);
    const true100 = trueTop.slice(0, 100);
    const final = summary.top(100);
    const found10 = final.slice(0, 10).map((e) => e.key);
    const found100 = final.map((e) => e.key);
    const sampled = windows.reduce((a, w) => a + w.commands, 0);
    const nodeOps = ((opsLast - opsFirst) * 1000) / Math.max(1, opsSpanMs);
    const trueRate = new Map(on.top.map(([k, c]) => [k, c / on.seconds]));
    const relErrors = true10.map((k) => {
      const e = final.find((x) => x.key === k);
      const est = e ? (e.count / sampled) * nodeOps : 0;
      return Math.abs(est - (trueRate.get(k) ?? 0)) / (trueRate.get(k) ?? 1);
    });
    let stableAt: number | null = null;
    for (let i = snapshots.length - 1; i >= 0; i--) {
      if (recall((snapshots[i] as { top: string[] }).top.slice(0, 10), true10) < 0.9) break;
      stableAt = (snapshots[i] as { t: number }).t;
    }
    const offOps = (off1.opsPerSec + off2.opsPerSec) / 2;
    const costPct = (1 - on.opsPerSec / offOps) * 100;

    // Peer: the same load on the LFU copy for the same time, then redis-cli --hotkeys (walks the keyspace).
    const lfuGen = await Generator.start(lfuCopy.port);
    lfuGen.rate(rate);
    const lfuLoad = await phase(lfuGen, radarSeconds);
    await lfuGen.stop();
    const cliStarted = Date.now();
    const cli = (await run('redis-cli', ['-p', String(lfuCopy.port), '--hotkeys'], { maxBuffer: 1 << 26 })).stdout;
    const cliMs = Date.now() - cliStarted;
    const cliTop = [...cli.matchAll(/hot key found with counter: (\d+)\s+keyname: "?([^"\s]+)"?/g)].map((m) => ({ counter: Number(m[1]), key: String(m[2]) })).sort((a, b) => b.counter - a.counter);
    const cliTrue10 = lfuLoad.top.slice(0, 10).map(([k]) => k);
    const cliRecall10 = recall(cliTop.slice(0, 10).map((e) => e.key), cliTrue10);
    const recall10 = recall(found10, true10);
    const met = recall10 >= 0.9 && stableAt !== null && stableAt <= 60 && costPct <= 2;
    report({
      scenario: 'hotkeys',
      what: `hot keys of a Zipf(1.0) GET load over ${keys} keys at ${rate} ops/s (${loadShare * 100} % of the ${Math.round(capacityStats.opsPerSec)} ops/s measured first) on one redis-server 7.0: top-10 recall after ${radarSeconds} s of radar (${windowMs} ms windows, duty ${dutyCycle}) beside redis-cli --hotkeys on an allkeys-lfu copy given the same load`,
      ours: recall10,
      peer: cliRecall10,
      peerName: 'redis-cli --hotkeys (allkeys-lfu copy)',
      unit: 'top-10 recall',
      ratio: cliRecall10 > 0 ? recall10 / cliRecall10 : recall10 > 0 ? Infinity : 1,
      target: { ratio: 1, met },
      details: {
        machine: 'whether the machine was quiet is in machine.loadAverage1m. The generator, redis-server and the radar share the 2 cores, so the radar\'s own CPU (parsing MONITOR lines) competes with the generator here; on separate hosts it does not.',
        keys, zipfS: 1, capacityOpsPerSec: capacityStats.opsPerSec, rateOpsPerSec: rate,
        radar: { windowMs, dutyCycle, maxBytesPerWindow: maxBytes, capacity, maxLatencyMs, windows: windows.length, sampledCommands: sampled, maxWindowBytes: Math.max(0, ...windows.map((w) => w.bytesRead)), stops: windows.reduce<Record<string, number>>((a, w) => ({ ...a, [w.stoppedBy]: (a[w.stoppedBy] ?? 0) + 1 }), {}), monitoredSeconds: windows.reduce((a, w) => a + w.durationMs, 0) / 1000, errorBound: summary.errorBound },
        recallTop10: recall10,
        recallTop100: recall(found100, true100),
        top10OpsPerSecRelativeError: { mean: relErrors.reduce((a, b) => a + b, 0) / relErrors.length, max: Math.max(...relErrors) },
        secondsToStableTop10: stableAt,
        throughput: { offOpsPerSec: offOps, onOpsPerSec: on.opsPerSec, costPercent: costPct, off1: off1.opsPerSec, off2: off2.opsPerSec, noisePercent: (Math.abs(off1.opsPerSec - off2.opsPerSec) / offOps) * 100 },
        p99Ms: { off1: off1.p99Ms, on: on.p99Ms, off2: off2.p99Ms },
        p50Ms: { off1: off1.p50Ms, on: on.p50Ms, off2: off2.p50Ms },
        redisCliHotkeys: { ms: cliMs, recallTop10: cliRecall10, reported: cliTop.length, top: cliTop.slice(0, 10), loadOpsPerSec: lfuLoad.opsPerSec },
        targets: 'recall(top-10) ≥ 0.9 within 60 s at ≤ 2 % average throughput cost',
      },
    });
  } finally {
    admin.disconnect();
    await manager.closeAll();
    await plain.stop();
    await lfuCopy.stop();
  }
}
