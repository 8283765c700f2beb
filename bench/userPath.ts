import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { AZURITE_ACCOUNT, AZURITE_KEY, freePort } from '../tools/local/index';

/**
 * The user's path, as `npm start` runs it: `node dist/tools/start.js` in a child process of its own (Azurite on
 * disk, the local Functions host with every timer, the Event Grid topic, the compiled app), driven over real HTTP.
 * `redisUrl` is the data server the bench prepared (start.ts registers it as cluster `local`); other clusters are
 * registered through the API. `BENCH_HOST_CPU_PROF=<dir>` runs the host under `node --cpu-prof` (written on stop).
 */
export interface UserHost {
  url: string;
  /** Azurite of this host (blob uploads of warm sources). */
  connectionString: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; headers: Headers }>;
  /** The tail of the host's output (for a failure message). */
  output(): string;
  stop(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bench reads arbitrary response JSON
export type Json = any;

const repoRoot = resolve(__dirname, '..', '..');

function withoutTopic(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { EVENTGRID_TOPIC_ENDPOINT: _endpoint, EVENTGRID_TOPIC_KEY: _key, ...rest } = env;
  return rest;
}

export async function startUserHost(options: { redisUrl: string; settings?: Record<string, string> }): Promise<UserHost> {
  const stateDir = mkdtempSync(join(tmpdir(), 'rcm-bench-host-'));
  const port = await freePort();
  const profileDir = process.env['BENCH_HOST_CPU_PROF'];
  const args = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : []), join(repoRoot, 'dist', 'tools', 'start.js'), '--port', String(port)];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    // BENCH_CHUNK_BUDGET_MS shortens the host's chunks (JOB_CHUNK_BUDGET_MS) so a job hands off between chunks.
    // npm start wires its own local topic: a topic inherited from this process (an in-process host of another
    // scenario) would take precedence and send every job event elsewhere.
    env: { ...withoutTopic(process.env), ...(process.env['BENCH_CHUNK_BUDGET_MS'] ? { JOB_CHUNK_BUDGET_MS: process.env['BENCH_CHUNK_BUDGET_MS'] } : {}), ...options.settings, RCM_STATE_DIR: stateDir, REDIS_URL: options.redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 60_000;
  while (!/Press Ctrl-C to stop everything/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${out.slice(-3000)}`);
    await sleep(50);
  }
  if (/could not register cluster/.test(out)) {
    child.kill('SIGINT');
    throw new Error(`npm start could not register the bench's Redis:\n${out.split('\n').filter((l) => /Error|could not/.test(l)).slice(-5).join('\n')}`);
  }
  const field = (re: RegExp) => (re.exec(out)?.[1] ?? '').trim();
  const functionKey = field(/function key (\S+)/);
  const adminKey = field(/admin API key (\S+)/);
  const blobEndpoint = field(/Azurite\s+(\S+) \|/);
  const tableEndpoint = field(/Azurite\s+\S+ \| (\S+)/);
  const url = `http://127.0.0.1:${port}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};TableEndpoint=${tableEndpoint};`;
  return {
    url,
    connectionString,
    async api(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'x-functions-key': functionKey, 'x-api-key': adminKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    output: () => out.slice(-5000),
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      await Promise.race([exited, sleep(30_000).then(() => child.kill('SIGKILL'))]);
      rmSync(stateDir, { recursive: true, force: true });
      if (profileDir) console.log(`host CPU profile(s) in ${resolve(profileDir)}: ${readdirSync(resolve(profileDir)).filter((f) => f.endsWith('.cpuprofile')).join(', ')}`);
    },
  };
}

/** What one job took on the user's path. */
export interface UserPathRun {
  /** Request sent → the poll that saw `succeeded` (the user's figure; granularity `pollMs`). */
  ms: number;
  /** Request sent → the job's own `finishedAt` (1 ms granularity; what polling adds is `ms - finishedMs`). */
  finishedMs: number;
  /** Request sent → 202 answered (validation, preflight, estimate, job row, `Job.Queued` recorded). */
  acceptedMs: number;
  /**
   * Request sent → the job's first write reached Redis (INFO commandstats polled every 2 ms; null when not watched):
   * UNLINK for invalidation (not SCAN: the monitor's messaging discovery SCANs too), SET/EVALSHA for warm, the page
   * script's EVALSHA for analysis.
   */
  firstCommandMs: number | null;
  pollMs: number;
  /** Request sent → the job row written (`createdAt`) and → its first lease taken (`startedAt`), from the job's own clock. */
  createdMs: number;
  leasedMs: number;
  view: Json;
}

/**
 * Sends the request, then polls `GET /api/jobs/{id}` every `pollMs` until the job is final (as the reporter did);
 * meanwhile watches `watch.command`'s call count on the data nodes to time the first work command.
 */
export async function runJob(host: UserHost, path: string, body: unknown, options: { pollMs?: number; watch?: { commands: string[]; nodes: Array<{ host: string; port: number }> } } = {}): Promise<UserPathRun> {
  const pollMs = options.pollMs ?? Number(process.env['BENCH_POLL_MS'] ?? 100);
  const watcher = options.watch ? await firstCommandWatcher(options.watch.commands, options.watch.nodes) : undefined;
  const started = Date.now();
  const t0 = performance.now();
  watcher?.start(t0);
  const accepted = await host.api('POST', path, body);
  const acceptedMs = performance.now() - t0;
  if (accepted.status !== 202) {
    await watcher?.stop();
    throw new Error(`POST ${path} answered ${accepted.status}: ${JSON.stringify(accepted.json)}`);
  }
  const location = accepted.headers.get('location') ?? `/api/jobs/${accepted.json.id ?? accepted.json.job?.id}`;
  const jobPath = location.startsWith('http') ? new URL(location).pathname : location;
  let view: Json;
  for (;;) {
    await sleep(pollMs);
    view = (await host.api('GET', jobPath)).json;
    if (['succeeded', 'failed', 'cancelled'].includes(view.status)) break;
  }
  const ms = performance.now() - t0;
  const firstCommandMs = (await watcher?.stop()) ?? null;
  if (view.status !== 'succeeded') throw new Error(`job ${view.id} ${view.status}: ${JSON.stringify(view.error)}`);
  // A job that starts seconds late waited for something (the sweeper's minute, a retried delivery): say what the host did.
  if (Date.parse(view.startedAt) - started > 5_000) console.error(`job ${view.id} took its first lease ${Date.parse(view.startedAt) - started} ms after the request; host log:\n${host.output()}`);
  return { ms, finishedMs: Date.parse(view.finishedAt) - started, acceptedMs, firstCommandMs, pollMs, createdMs: Date.parse(view.createdAt) - started, leasedMs: Date.parse(view.startedAt) - started, view };
}

/** Polls INFO commandstats on every node until the calls of any of `commands` grow; resolves with ms since `start`. */
async function firstCommandWatcher(commands: string[], nodes: Array<{ host: string; port: number }>) {
  const clients = nodes.map((n) => new Redis(n.port, n.host, { lazyConnect: false }));
  const calls = async () => {
    const infos = await Promise.all(clients.map((c) => c.info('commandstats')));
    return infos.reduce((sum, info) => sum + commands.reduce((n, command) => n + Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0), 0), 0);
  };
  const before = await calls();
  let stopped = false;
  let seen: number | null = null;
  let loop: Promise<void> = Promise.resolve();
  return {
    start(t0: number) {
      loop = (async () => {
        while (!stopped && seen === null) {
          if ((await calls()) > before) seen = performance.now() - t0;
          else await sleep(2);
        }
      })();
    },
    async stop(): Promise<number | null> {
      stopped = true;
      await loop;
      await Promise.all(clients.map((c) => c.quit()));
      return seen;
    },
  };
}

/** The phases of job start, for the result files: request → job row, → lease, → 202, → first work command on Redis. */
export function jobStartPhases(runs: UserPathRun[]) {
  return {
    createdMs: spread(runs.map((r) => r.createdMs)),
    leasedMs: spread(runs.map((r) => r.leasedMs)),
    acceptedMs: spread(runs.map((r) => Math.round(r.acceptedMs))),
    firstCommandMs: spread(runs.map((r) => Math.round(r.firstCommandMs ?? NaN))),
  };
}

/**
 * One small job first, untimed as a round but kept as `coldFirstJob`: the host loads each handler's modules on its
 * first call (docs/architecture.md, cold start), so the first job after `npm start` pays module loading once.
 */
export async function warmUp(host: UserHost, path: string, body: unknown): Promise<{ ms: number; acceptedMs: number; leasedMs: number }> {
  const r = await runJob(host, path, body, { pollMs: 20 });
  return { ms: Math.round(r.ms), acceptedMs: Math.round(r.acceptedMs), leasedMs: r.leasedMs };
}

/** Prints job start and chunk hand-offs (the issue's < 50 ms each) under the scenario's result line. */
export function printStartAndHandoffs(scenario: string, runs: UserPathRun[]): void {
  const start = spread(runs.map((r) => Math.round(r.firstCommandMs ?? NaN)));
  const handoffs = runs.map((r) => r.view.handoffs as { count: number; totalMs: number; maxMs: number } | undefined);
  const counted = handoffs.filter((h) => h !== undefined);
  const handoffText = counted.length
    ? `chunk hand-offs ${counted.reduce((n, h) => n + h.count, 0)}, mean ${Math.round(counted.reduce((n, h) => n + h.totalMs, 0) / counted.reduce((n, h) => n + h.count, 0))} ms, max ${Math.max(...counted.map((h) => h.maxMs))} ms`
    : 'no chunk hand-off (one chunk per job; BENCH_CHUNK_BUDGET_MS=1000 makes some)';
  console.log(`  ${scenario}: job start (request → first write on Redis) median ${start.median} ms (${start.min}–${start.max}); ${handoffText}; polling every ${runs[0]?.pollMs} ms`);
}

/** BENCH_RUNS (default 1): each scenario measures this many times; results carry min/median/max. */
export const benchRuns = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 1));

export function spread(values: number[]): { min: number; median: number; max: number; runs: number[] } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number, runs: values };
}

