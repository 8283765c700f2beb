import type { Redis } from 'ioredis';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import type { NodeAddress } from '../../platform/redis/RedisTarget';
import type { CommandTable } from './CommandTable';
import { parseMonitorLine } from './parseMonitorLine';
import type { SpaceSaving } from './SpaceSaving';

export interface WindowOptions {
  /** How long MONITOR stays on. */
  windowMs: number;
  /** Hard cap of MONITOR bytes read in this window: reading stops at exactly this many bytes. */
  maxBytes: number;
  /** PING round trip (on another connection) above which the window stops early; null = no guard. */
  maxLatencyMs: number | null;
}

export type WindowStop = 'time' | 'bytes' | 'latency' | 'error';

export interface WindowResult {
  /** Bytes of MONITOR output read (≤ `maxBytes`, the `+OK` included). */
  bytesRead: number;
  /** Commands parsed, and those by kind. */
  commands: number;
  reads: number;
  writes: number;
  /** Time MONITOR was on, from its `+OK` to the stop. */
  durationMs: number;
  stoppedBy: WindowStop;
  /** Highest guard PING seen, ms. */
  maxPingMs: number;
  /** Why the window failed (e.g. `NOPERM` when the user may not run MONITOR); set with `stoppedBy: 'error'`. */
  error?: string;
}

/** Name the radar's MONITOR connections carry (CLIENT LIST shows it; an operator can CLIENT KILL it). */
export const monitorClientName = 'rcm-hotkeys';
const guardEveryMs = 100;

/**
 * One MONITOR window on one node, over a connection of its own that nothing else uses: ioredis connects and
 * authenticates it (TLS, ACL user, Entra token as for every connection), then this reads the socket itself — every
 * byte counted against `maxBytes`, each line parsed here (binary-safe keys, see `parseMonitorLine`) and its keys
 * offered to `summary`. Stops at the first of: `windowMs`, `maxBytes`, a guard PING above `maxLatencyMs`, an error.
 * The socket is destroyed at the stop, which ends MONITOR on the server at once; a killed process closes it too.
 */
export async function monitorWindow(connection: RedisConnection, address: NodeAddress, guard: Redis, table: CommandTable, summary: SpaceSaving, options: WindowOptions): Promise<WindowResult> {
  const monitor = await connection.dedicatedNode(address, 5000);
  try {
    await monitor.call('CLIENT', 'SETNAME', monitorClientName);
  } catch {
    // CLIENT may be renamed away; the window works without a name
  }
  const stream = monitor.stream;
  stream.removeAllListeners('data'); // from here on the socket is ours: ioredis' parser no longer sees it
  const result: WindowResult = { bytesRead: 0, commands: 0, reads: 0, writes: 0, durationMs: 0, stoppedBy: 'time', maxPingMs: 0 };
  let pending: Buffer | null = null;
  let started = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let guardTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const stop = (why: WindowStop, error?: string): void => {
    if (stopped) return;
    stopped = true;
    result.stoppedBy = why;
    if (error) result.error = error;
    result.durationMs = started ? performance.now() - started : 0;
    clearTimeout(timer);
    clearInterval(guardTimer);
    stream.destroy();
    monitor.disconnect();
    finish();
  };

  const onLine = (buf: Buffer, from: number, to: number): void => {
    if (!started) {
      if (buf[from] === 0x2d /* - */) return stop('error', buf.toString('utf8', from + 1, Math.min(to, from + 200)));
      started = performance.now();
      timer = setTimeout(() => stop('time'), options.windowMs);
      if (options.maxLatencyMs !== null) guardTimer = setInterval(() => void ping(), guardEveryMs);
      return; // +OK
    }
    const command = parseMonitorLine(buf, from, to);
    if (!command) return;
    result.commands += 1;
    const { keys, kind } = table.keysOf(command);
    if (kind === 'read') result.reads += 1;
    else if (kind === 'write') result.writes += 1;
    for (const key of keys) summary.offer(key, kind);
  };

  let pinging = false;
  const ping = async (): Promise<void> => {
    if (pinging || stopped) return;
    pinging = true;
    const t0 = performance.now();
    try {
      await guard.ping();
      const ms = performance.now() - t0;
      result.maxPingMs = Math.max(result.maxPingMs, ms);
      if (options.maxLatencyMs !== null && ms > options.maxLatencyMs) stop('latency');
    } catch (error) {
      stop('error', `guard PING failed: ${(error as Error).message}`);
    } finally {
      pinging = false;
    }
  };

  stream.on('data', (chunk: Buffer) => {
    if (stopped) return;
    const room = options.maxBytes - result.bytesRead;
    const capped = chunk.length >= room;
    const part = capped ? chunk.subarray(0, room) : chunk;
    result.bytesRead += part.length;
    const buf: Buffer = pending ? Buffer.concat([pending, part]) : part;
    let from = 0;
    for (;;) {
      const cr = buf.indexOf('\r\n', from);
      if (cr < 0) break;
      onLine(buf, from, cr);
      if (stopped) return;
      from = cr + 2;
    }
    pending = from < buf.length ? Buffer.from(buf.subarray(from)) : null;
    if (capped) stop('bytes');
  });
  stream.once('close', () => stop('error', 'connection closed'));
  stream.write('MONITOR\r\n');
  // A server that never answers +OK (a hung node) still ends the window.
  const startTimeout = setTimeout(() => stop('error', 'no reply to MONITOR'), Math.max(2000, options.windowMs));
  await done;
  clearTimeout(startTimeout);
  return result;
}
