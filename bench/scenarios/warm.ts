import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { spawnRedis, spawnRedisCluster } from '../../tools/local/index';
import { median, report } from '../benchResult';

/** Keys of the main runs and of the large memory run. @default 1000000 and 5000000 */
const keys = Number(process.env.BENCH_WARM_KEYS ?? 1_000_000);
const bigKeys = Number(process.env.BENCH_WARM_BIG_KEYS ?? 5_000_000);
/** Alternating runs per side against the standalone server. @default 3 */
const runs = Number(process.env.BENCH_WARM_RUNS ?? 3);
const ttlMs = 3_600_000;

export interface ChildResult {
  ms: number;
  counts: { written: number; skipped: number; failed: number; read: number };
  chunks: number;
  peakRssMB: number;
  /** RSS after loading modules and reading the topology, before the first record. */
  baseRssMB: number;
  keysPerSec: number;
}

/** `{"id":"k0000001","value":"<100 bytes>"}` per line, written as a stream. */
export async function writeNdjson(path: string, n: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(4);
  let buf = '';
  for (let i = 0; i < n; i++) {
    const id = `k${String(i).padStart(8, '0')}`;
    const value = (id + filler).slice(0, 100);
    buf += `{"id":"${id}","value":"${value}"}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** The equivalent RESP for redis-cli --pipe, generated from the same NDJSON: `SET bench:<id> <value> PX <ttl> NX`. */
export async function writeResp(ndjson: string, path: string): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const ttl = String(ttlMs);
  let buf = '';
  for await (const line of createInterface({ input: createReadStream(ndjson), crlfDelay: Infinity })) {
    const { id, value } = JSON.parse(line) as { id: string; value: string };
    const key = `bench:${id}`;
    buf += `*6\r\n$3\r\nSET\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n$${Buffer.byteLength(value)}\r\n${value}\r\n$2\r\nPX\r\n$${ttl.length}\r\n${ttl}\r\n$2\r\nNX\r\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

export async function redisCliPipe(port: number, resp: string): Promise<{ ms: number; output: string }> {
  const fd = openSync(resp, 'r');
  const started = process.hrtime.bigint();
  const child = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--pipe'], { stdio: [fd, 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  closeSync(fd);
  if (code !== 0) throw new Error(`redis-cli --pipe failed: ${output}`);
  return { ms, output: output.trim().split('\n').pop() ?? '' };
}

export async function ours(file: string, mode: 'standalone' | 'cluster', seeds: { host: string; port: number }[]): Promise<ChildResult> {
  const child = spawn(process.execPath, [join(__dirname, 'warmChild.js'), file, mode, seeds.map((s) => `${s.host}:${s.port}`).join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`warm child failed (${code})`);
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
}

/** For scale: the naive loop (`await redis.set(...)` per key, ioredis) on the first `n` records of the same file. */
async function perKeyAwait(port: number, ndjson: string, n: number): Promise<number> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(port, '127.0.0.1');
  flush(port);
  let i = 0;
  const started = process.hrtime.bigint();
  for await (const line of createInterface({ input: createReadStream(ndjson), crlfDelay: Infinity })) {
    const { id, value } = JSON.parse(line) as { id: string; value: string };
    await redis.set(`bench:${id}`, value, 'PX', ttlMs, 'NX');
    if (++i >= n) break;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  redis.disconnect();
  flush(port);
  return n / (ms / 1000);
}

export const flush = (port: number) => execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'FLUSHALL'], { encoding: 'utf8' });
export const dbsize = (port: number) => Number(execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'DBSIZE'], { encoding: 'utf8' }).trim());

/**
 * Warming 1M keys × 100-byte values from an NDJSON file: our engine vs `redis-cli --pipe` fed the same commands
 * (`SET k v PX ttl NX`, RESP generated from the same NDJSON) into one redis-server; then ours into a 3-master
 * cluster; then peak RSS of the warm process at 1M and 5M keys. Runs alternate so machine noise hits both sides.
 */
export async function warm(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-bench-warm-'));
  const ndjson = join(dir, 'keys.ndjson');
  const resp = join(dir, 'keys.resp');
  const server = await spawnRedis({ args: ['--save', '', '--appendonly', 'no'] });
  try {
    await writeNdjson(ndjson, keys);
    await writeResp(ndjson, resp);
    const peer: number[] = [];
    const our: ChildResult[] = [];
    for (let i = 0; i < runs; i++) {
      flush(server.port);
      const p = await redisCliPipe(server.port, resp);
      if (dbsize(server.port) !== keys) throw new Error(`redis-cli --pipe left ${dbsize(server.port)} keys (${p.output})`);
      peer.push(keys / (p.ms / 1000));
      flush(server.port);
      const o = await ours(ndjson, 'standalone', [{ host: server.host, port: server.port }]);
      if (dbsize(server.port) !== keys || o.counts.written !== keys) throw new Error(`ours left ${dbsize(server.port)} keys, counted ${JSON.stringify(o.counts)}`);
      our.push(o);
    }
    const awaitLoop = await perKeyAwait(server.port, ndjson, Number(process.env.BENCH_WARM_AWAIT_KEYS ?? 20_000));
    const oursRate = median(our.map((r) => r.keysPerSec));
    const peerRate = median(peer);
    report({
      scenario: 'warmStandalone',
      what: `${keys} keys × 100-byte values from NDJSON into one redis-server, SET PX NX (median of ${runs} alternating runs)`,
      ours: oursRate,
      peer: peerRate,
      peerName: 'redis-cli --pipe',
      unit: 'keys/s',
      ratio: oursRate / peerRate,
      target: { ratio: 1.0, met: oursRate / peerRate >= 1.0 },
      details: { perKeyAwaitIoredisKeysPerSec: Math.round(awaitLoop), oursKeysPerSec: our.map((r) => Math.round(r.keysPerSec)), redisCliKeysPerSec: peer.map(Math.round), oursPeakRssMB: our.map((r) => r.peakRssMB), chunks: our[0]?.chunks },
    });

    const cluster = await spawnRedisCluster({ masters: 3, replicasPerMaster: 1 });
    let clusterRun: ChildResult;
    try {
      clusterRun = await ours(ndjson, 'cluster', cluster.seeds);
      const total = cluster.masters.reduce((n, m) => n + dbsize(m.port), 0);
      if (total !== keys) throw new Error(`cluster holds ${total} keys after the warm, expected ${keys}`);
    } finally {
      await cluster.stop();
    }
    report({
      scenario: 'warmCluster',
      what: `${keys} keys × 100 bytes from NDJSON into a 6-node cluster (3 masters), pipelines per master`,
      ours: clusterRun.keysPerSec,
      peer: oursRate,
      peerName: 'ours into one redis-server (same run)',
      unit: 'keys/s',
      ratio: clusterRun.keysPerSec / oursRate,
      target: { ratio: 1.5, met: clusterRun.keysPerSec / oursRate >= 1.5 },
      details: { clusterPeakRssMB: clusterRun.peakRssMB, counts: clusterRun.counts, cores: 2 },
    });

    rmSync(resp, { force: true });
    const big = join(dir, 'big.ndjson');
    await writeNdjson(big, bigKeys);
    rmSync(ndjson, { force: true });
    flush(server.port);
    const bigRun = await ours(big, 'standalone', [{ host: server.host, port: server.port }]);
    if (dbsize(server.port) !== bigKeys) throw new Error(`5M run left ${dbsize(server.port)} keys`);
    const peak1M = Math.max(...our.map((r) => r.peakRssMB));
    const worst = Math.max(peak1M, bigRun.peakRssMB);
    report({
      scenario: 'warmMemory',
      what: `peak RSS of the warm process (sampled every 20 ms): ${keys} and ${bigKeys} keys from NDJSON`,
      ours: worst,
      peer: 200,
      peerName: 'the 200 MB budget',
      unit: 'MB',
      ratio: 200 / worst,
      target: { ratio: 1.0, met: worst < 200 },
      details: { peakRssMB1M: peak1M, peakRssMB5M: bigRun.peakRssMB, baseRssMB1M: our[0]?.baseRssMB, baseRssMB5M: bigRun.baseRssMB, keysPerSec5M: Math.round(bigRun.keysPerSec), fileBytes5M: statSync(big).size, chunks5M: bigRun.chunks },
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
