import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { spawnRedis } from '../../tools/local/index';
import { report } from '../benchResult';
import { benchRuns, spread } from '../userPath';
import { dbsize, flush } from './warm';

/** Distinct keys written per variant (100-byte values). @default 1000000 */
const keys = Number(process.env['BENCH_WARM_KEYS'] ?? 1_000_000);
const ttlMs = 3_600_000;
/** Keys per script call in the Lua variant. */
const perScript = 500;

/** One way to get the warm's end state (every key set with its TTL unless present) into a server. */
interface Variant {
  name: string;
  /** What it is, for the report. */
  what: string;
  /** Same end state as `SET key value PX ttl NX`? (false: a reference, not a candidate) */
  equivalent: boolean;
  /** RESP files sent at the same time, one `redis-cli --pipe` each. */
  files: string[];
  /** Replies every file's redis-cli reports in total. */
  replies: number;
  ttl: boolean;
}

const lua = "local n = 0 for i = 1, #KEYS do if redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ARGV[1], 'NX') then n = n + 1 end end return n";

function resp(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Writes the commands `make(i)` for i in [0, keys) whose `i % parts === part` (or all) into `path`. */
async function writeCommands(path: string, make: (i: number) => Buffer | null, parts = 1, part = 0): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let pending: Buffer[] = [];
  let size = 0;
  for (let i = part; i < keys; i += parts) {
    const command = make(i);
    if (command === null) continue;
    pending.push(command);
    size += command.length;
    if (size > 1 << 20) {
      if (!out.write(Buffer.concat(pending))) await once(out, 'drain');
      pending = [];
      size = 0;
    }
  }
  out.end(Buffer.concat(pending));
  await once(out, 'finish');
}

/** Server CPU seconds (user + system) of a redis-server process, from /proc. */
function serverCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function pipe(port: number, file: string): Promise<string> {
  const fd = openSync(file, 'r');
  try {
    const child = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--pipe'], { stdio: [fd, 'pipe', 'inherit'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    if (code !== 0) throw new Error(`redis-cli --pipe failed: ${output}`);
    return output.trim().split('\n').pop() ?? '';
  } finally {
    closeSync(fd);
  }
}

/**
 * What the server itself spends to take the warm's writes, per way of sending them: the warm's `SET key value PX ttl
 * NX` against every other command that leaves the same keys, values and TTLs (`SET … PXAT … NX`; `RESTORE … ABSTTL`,
 * which refuses a present key as NX does; a Lua script setting 500 keys per call; the same SETs over two connections
 * at once), each sent by `redis-cli --pipe` from RESP prepared in advance on one redis-server, with `SET … NX`
 * without TTL as a reference for what the TTL costs. This is the floor under the warm's user path: with the server
 * the bottleneck of `redis-cli --pipe`, a warm can only beat it by making the server do less per key.
 */
export async function warmServerCost(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-bench-server-cost-'));
  const server = await spawnRedis({ args: ['--save', '', '--appendonly', 'no'] });
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(4);
  const keyOf = (i: number) => `bench:k${String(i).padStart(8, '0')}`;
  const valueOf = (i: number) => (`k${String(i).padStart(8, '0')}` + filler).slice(0, 100);
  const results: Record<string, { wallSeconds: number[]; serverCpuSeconds: number[] }> = {};
  try {
    // A DUMP payload of a random (so uncompressed) 100-byte value: RESTORE's work does not depend on the bytes.
    const probe = new Redis({ host: server.host, port: server.port, lazyConnect: true });
    await probe.connect();
    await probe.set('probe', randomBytes(100));
    const payload = (await probe.dumpBuffer('probe')) as Buffer;
    const sha = (await probe.script('LOAD', lua)) as string;
    if (sha !== createHash('sha1').update(lua).digest('hex')) throw new Error('SCRIPT LOAD answered another sha');
    await probe.quit();
    const at = String(Date.now() + 24 * ttlMs); // absolute expiry well after the run
    const f = (name: string) => join(dir, `${name}.resp`);
    await writeCommands(f('set-px-nx'), (i) => resp(['SET', keyOf(i), valueOf(i), 'PX', String(ttlMs), 'NX']));
    await writeCommands(f('set-pxat-nx'), (i) => resp(['SET', keyOf(i), valueOf(i), 'PXAT', at, 'NX']));
    await writeCommands(f('restore-absttl'), (i) => resp(['RESTORE', keyOf(i), at, payload, 'ABSTTL']));
    await writeCommands(f('lua-500'), (i) => {
      if (i % perScript !== 0) return null;
      const n = Math.min(perScript, keys - i);
      const batch = Array.from({ length: n }, (_, j) => i + j);
      return resp(['EVALSHA', sha, String(n), ...batch.map(keyOf), String(ttlMs), ...batch.map(valueOf)]);
    });
    await writeCommands(f('two-0'), (i) => resp(['SET', keyOf(i), valueOf(i), 'PX', String(ttlMs), 'NX']), 2, 0);
    await writeCommands(f('two-1'), (i) => resp(['SET', keyOf(i), valueOf(i), 'PX', String(ttlMs), 'NX']), 2, 1);
    await writeCommands(f('set-nx'), (i) => resp(['SET', keyOf(i), valueOf(i), 'NX']));
    const variants: Variant[] = [
      { name: 'SET PX NX', what: 'SET key value PX ttl NX (the warm, and redis-cli --pipe in warmUserPath)', equivalent: true, files: [f('set-px-nx')], replies: keys, ttl: true },
      { name: 'SET PXAT NX', what: 'SET key value PXAT <absolute ms> NX', equivalent: true, files: [f('set-pxat-nx')], replies: keys, ttl: true },
      { name: 'RESTORE ABSTTL', what: 'RESTORE key <absolute ms> <DUMP payload> ABSTTL (a present key answers BUSYKEY, as NX skips it)', equivalent: true, files: [f('restore-absttl')], replies: keys, ttl: true },
      { name: `Lua ${perScript}/call`, what: `EVALSHA of a script doing SET PX NX for ${perScript} keys per call`, equivalent: true, files: [f('lua-500')], replies: Math.ceil(keys / perScript), ttl: true },
      { name: 'SET PX NX, 2 connections', what: 'the same SETs split over two redis-cli --pipe at once', equivalent: true, files: [f('two-0'), f('two-1')], replies: keys, ttl: true },
      { name: 'SET NX (no TTL)', what: 'SET key value NX: not the warm (no TTL); what setting the TTL costs', equivalent: false, files: [f('set-nx')], replies: keys, ttl: false },
    ];
    for (let run = 0; run < benchRuns; run++) {
      for (const v of variants) {
        flush(server.port);
        const cpu0 = serverCpu(server.pid);
        const t0 = performance.now();
        const outputs = await Promise.all(v.files.map((file) => pipe(server.port, file)));
        const wall = (performance.now() - t0) / 1000;
        const cpu = serverCpu(server.pid) - cpu0;
        const replies = outputs.reduce((n, o) => n + Number(/replies: (\d+)/.exec(o)?.[1] ?? NaN), 0);
        if (!outputs.every((o) => /errors: 0,/.test(o)) || replies !== v.replies) throw new Error(`${v.name}: ${outputs.join(' / ')}`);
        if (dbsize(server.port) !== keys) throw new Error(`${v.name} left ${dbsize(server.port)} keys, expected ${keys}`);
        const check = new Redis({ host: server.host, port: server.port });
        const [value, pttl] = await Promise.all([check.get(keyOf(keys - 1)), check.pttl(keyOf(keys - 1))]);
        check.disconnect();
        if (v.name !== 'RESTORE ABSTTL' && value !== valueOf(keys - 1)) throw new Error(`${v.name}: wrong value ${value}`);
        if (v.ttl !== pttl > 0) throw new Error(`${v.name}: PTTL ${pttl}`);
        const r = (results[v.name] ??= { wallSeconds: [], serverCpuSeconds: [] });
        r.wallSeconds.push(Math.round(wall * 1000) / 1000);
        r.serverCpuSeconds.push(Math.round(cpu * 100) / 100);
      }
    }
    flush(server.port);
    const cpuOf = (name: string) => spread(results[name]?.serverCpuSeconds ?? []).median;
    const base = cpuOf('SET PX NX');
    const candidates = variants.filter((v) => v.equivalent && v.name !== 'SET PX NX');
    const best = candidates.reduce((a, b) => (cpuOf(b.name) < cpuOf(a.name) ? b : a));
    const table = variants.map((v) => ({ variant: v.name, what: v.what, equivalent: v.equivalent, wallSeconds: spread(results[v.name]?.wallSeconds ?? []), serverCpuSeconds: spread(results[v.name]?.serverCpuSeconds ?? []), serverCpuVsSetPxNx: cpuOf(v.name) / base }));
    report({
      scenario: 'warmServerCost',
      what: `redis-server CPU to take ${keys} warm writes (distinct keys, 100 B values, TTL) per way of sending them, each by redis-cli --pipe from prepared RESP; median of ${benchRuns} round(s)`,
      ours: cpuOf(best.name),
      peer: base,
      peerName: 'SET key value PX ttl NX (what the warm and redis-cli --pipe send)',
      unit: 's of server CPU',
      // > 1 would mean an equivalent way that costs the server less than the warm's SETs.
      ratio: base / cpuOf(best.name),
      details: { cheapestEquivalent: best.name, variants: table },
    });
    for (const row of table) console.log(`  warmServerCost: ${row.variant.padEnd(26)} server CPU ${row.serverCpuSeconds.median.toFixed(2)} s (${row.serverCpuVsSetPxNx.toFixed(2)}× SET PX NX), wall ${row.wallSeconds.median.toFixed(2)} s${row.equivalent ? '' : ' [reference, not equivalent]'}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
