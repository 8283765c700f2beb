import { closeSync, existsSync, openSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from './freePort';
import { logTail } from './logTail';
import { describeExit, spawnManaged } from './managedProcess';
import { redisText } from './redisCommand';
import { waitFor } from './waitFor';
import { workDir } from './workDir';

export interface RedisProcess {
  host: string;
  port: number;
  /** `redis://127.0.0.1:<port>` (with `:password@` when a password is set). */
  url: string;
  pid: number;
  /** Working directory (log file `redis.log`, cluster `nodes.conf`). */
  dir: string;
  /** Resolves when the process has exited, for whatever reason, with how (`code 1`, `signal SIGKILL`). */
  exited: Promise<string>;
  /** SIGTERM, SIGKILL after 5 s; waits for exit; idempotent. */
  stop(): Promise<void>;
}

export interface SpawnRedisOptions {
  /** Fixed port; @default a free port chosen by the kernel (retried if lost to a race) */
  port?: number;
  /** Working directory; @default a fresh temp dir, deleted on stop */
  dir?: string;
  /** Extra redis-server arguments, appended after the defaults so they win, e.g. `['--maxmemory', '10mb']`. */
  args?: string[];
  /** Sets `requirepass`. @default none */
  password?: string;
  /** @internal how to pick a port when `port` is not given */
  pickPort?: () => Promise<number>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;

/** Path of redis-server from PATH, or a clear error telling how to install it. */
export function redisServerPath(): string {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat('/usr/bin', '/usr/local/bin');
  const found = dirs.map((d) => join(d, 'redis-server')).find((p) => p !== 'redis-server' && existsSync(p));
  if (found === undefined) throw new Error('redis-server not found: apt-get install -y redis-server');
  return found;
}

/** Starts a private redis-server (no persistence, loopback only) and resolves once it answers PING. */
export async function spawnRedis(opts: SpawnRedisOptions = {}): Promise<RedisProcess> {
  const bin = redisServerPath();
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await (opts.pickPort ?? freePort)());
    try {
      return await startOnce(bin, port, opts);
    } catch (err) {
      const lostRace = err instanceof Error && /Address already in use/i.test(err.message);
      if (opts.port !== undefined || !lostRace || attempt >= 5) throw err;
    }
  }
}

async function startOnce(bin: string, port: number, opts: SpawnRedisOptions): Promise<RedisProcess> {
  const dir = await workDir(`redis-${port}`, opts.dir);
  const log = join(dir.path, 'redis.log');
  const args = [
    '--port', String(port), '--bind', HOST, '--protected-mode', 'no', '--daemonize', 'no',
    '--dir', dir.path, '--logfile', log, '--save', '', '--appendonly', 'no',
    '--enable-debug-command', 'local', '--repl-diskless-sync-delay', '0',
    ...(opts.password !== undefined ? ['--requirepass', opts.password, '--masterauth', opts.password] : []),
    ...(opts.args ?? []),
  ];
  // Early errors (bad arguments) go to stderr before the logfile is open: keep them in a file, not a pipe,
  // so the server never depends on its owner reading from it.
  const out = join(dir.path, 'redis.out');
  const fd = openSync(out, 'a');
  const proc = (() => {
    try {
      return spawnManaged(bin, args, { cwd: dir.path, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
  })();
  const stop = async (): Promise<void> => {
    await proc.stop();
    await dir.dispose();
  };
  const probe = async (): Promise<'ready' | 'exited' | undefined> => {
    if (proc.hasExited()) return 'exited';
    const reply = await redisText(HOST, port, ['PING'], { password: opts.password, timeoutMs: 500 });
    return reply === 'PONG' ? 'ready' : undefined;
  };
  try {
    const state = await waitFor(`redis-server on ${HOST}:${port}`, probe, { timeoutMs: START_TIMEOUT_MS });
    if (state === 'exited') throw new Error(`redis-server exited during startup (code ${proc.child.exitCode ?? proc.child.signalCode})`);
  } catch (err) {
    const tail = [await logTail(out), await logTail(log)].filter((t) => t !== '').join('\n');
    await stop();
    throw new Error(`redis-server failed to start on port ${port}: ${(err as Error).message}\n--- ${dir.path} ---\n${tail}`, { cause: err });
  }
  const auth = opts.password !== undefined ? `:${encodeURIComponent(opts.password)}@` : '';
  return { host: HOST, port, url: `redis://${auth}${HOST}:${port}`, pid: proc.pid, dir: dir.path, exited: proc.exited.then(() => describeExit(proc.child)), stop };
}
