import { mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../tools/local/index';
import { connectCluster, connectStandalone, keyPrefix } from '../helpers/redis';
import { runCommand, startProcess } from '../helpers/processes';
import { functionKey, json, keys, rcmBin, rows, useCliHarness } from './cliHarness';

// The real CLI (dist/cli/main.js) as a subprocess against the real app in a local host, real Redis, real Azurite.
// Piped, so tables are tab-separated rows without a header and without colour.
const h = useCliHarness();
const standalone = (): { host: string; port: number } => inject('redisStandalone');
const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('rcm clusters', () => {
  it('adds, lists, shows and refuses to replace a cluster; rm asks, refuses without a terminal, removes with --yes', async () => {
    const { host, port } = standalone();
    const add = await h.rcm(['clusters', 'add', 'cache-a', '--mode', 'standalone', '--endpoint', `${host}:${port}`, '--label', 'env=test', '--display-name', 'Cache A']);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^Registered cluster cache-a \(standalone, 127\.0\.0\.1:\d+\), version 1\./);

    const again = await h.rcm(['clusters', 'add', 'cache-a', '--mode', 'standalone', '--endpoint', `${host}:${port}`]);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain("cluster 'cache-a' exists; nothing was changed");

    const ls = await h.rcm(['clusters', 'ls']);
    expect(ls.code).toBe(0);
    expect(rows(ls).find((r) => r[0] === 'cache-a')).toEqual(['cache-a', 'standalone', `${host}:${port}`, 'no', 'none', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/), 'Cache A']);
    const lsJson = json<Array<{ id: string; labels: Record<string, string> }>>(await h.rcm(['clusters', 'ls', '--json']));
    expect(lsJson.find((c) => c.id === 'cache-a')?.labels).toEqual({ env: 'test' });

    const show = await h.rcm(['clusters', 'show', 'cache-a']);
    expect(rows(show)).toContainEqual(['secret', 'none']);
    expect(rows(show)).toContainEqual(['created', expect.stringMatching(/ by ada$/)]);

    const refused = await h.rcm(['clusters', 'rm', 'cache-a']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('stdin is not a terminal');
    expect(refused.stderr).toContain('--yes');
    expect((await h.rcm(['clusters', 'show', 'cache-a'])).code).toBe(0);

    const rm = await h.rcm(['clusters', 'rm', 'cache-a', '--yes']);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toBe('Removed cluster cache-a.\n');
    const gone = await h.rcm(['clusters', 'show', 'cache-a']);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toMatch(/^rcm: Not Found \(404 cluster_not_found\): /);
  });

  it('reports the API\'s validation problem with its field, exit 2', async () => {
    const bad = await h.rcm(['clusters', 'add', 'cache-b', '--mode', 'standalone', '--endpoint', '127.0.0.1:70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rcm: Bad Request \(400 validation_failed\): /);
    expect(bad.stderr).toMatch(/\n {2}body\.endpoints\.0\.port: /);
    noStack(bad.stderr);
  });
});

describe('usage and connection errors', () => {
  it('bad flags, unknown commands and missing arguments are usage errors (exit 2), never a stack trace', async () => {
    for (const args of [['clusters', 'ls', '--bogus'], ['frobnicate'], ['topology'], ['invalidate', 'x', 'y', '--rate', 'fast'], ['jobs', 'ls', 'x', '--limit', '0'], ['check', 'a', 'b']]) {
      const r = await h.rcm(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^rcm: Usage error: /);
      expect(r.stdout).toBe('');
      noStack(r.stderr);
    }
    const unknown = await h.rcm(['clusters', 'ls', '--bogus']);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain('rcm clusters --help');
    const json = await h.rcm(['topology', '--json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { title: 'Usage error', detail: 'missing CLUSTER', exitCode: 2 } });
  });

  it('auth problems exit 3, an unknown cluster 4, an unreachable API 6', async () => {
    const none = await h.rcm(['clusters', 'ls'], { as: 'none' });
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^rcm: Unauthorized \(401/);
    const reader = await h.rcm(['clusters', 'add', 'cache-r', '--mode', 'standalone', '--endpoint', '127.0.0.1:6390'], { as: 'reader' });
    expect(reader.code).toBe(3);
    expect(reader.stderr).toMatch(/^rcm: Forbidden \(403 forbidden\)/);
    expect((await h.rcm(['topology', 'never-registered'])).code).toBe(4);
    // A port nobody listens on (freePort closes it again before returning).
    const closed = await freePort();
    const down = await h.rcm(['clusters', 'ls'], { env: { RCM_URL: `http://127.0.0.1:${closed}` } });
    expect(down.code).toBe(6);
    expect(down.stderr).toBe(`rcm: Cannot reach the admin API: http://127.0.0.1:${closed}: ECONNREFUSED\nIs \`npm start\` running? Point rcm elsewhere with --url, RCM_URL or a profile (\`rcm login\`).\n`);
  });

  it('help is complete and fast to reach: every command has --help, exit 0', async () => {
    const top = await h.rcm(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['clusters', 'topology', 'check', 'ns', 'invalidate', 'warm', 'hygiene', 'analyze', 'eviction', 'jobs', 'events', 'alerts', 'streams', 'top', 'login', 'completion']) {
      expect(top.stdout).toMatch(new RegExp(`\\n  ${name} `));
      const help = await h.rcm([name, '--help']);
      expect(help.code, name).toBe(0);
      expect(help.stdout, name).toMatch(new RegExp(`^Usage:\\n  rcm ${name}`));
    }
  });
});

describe('connection sources', () => {
  it('finds the keys of a local npm start in RCM_STATE_DIR/keys.json when none are given', async () => {
    const state = join(h.home, 'local-state');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'keys.json'), JSON.stringify({ functionKey, masterKey: 'unused', adminApiKey: keys.admin }), { mode: 0o600 });
    const found = await h.rcm(['clusters', 'ls', '--json'], { env: { RCM_FUNCTION_KEY: undefined, RCM_API_KEY: undefined, RCM_STATE_DIR: state } });
    expect(found.stderr).toBe('');
    expect(found.code).toBe(0);
    const without = await h.rcm(['clusters', 'ls'], { env: { RCM_FUNCTION_KEY: undefined, RCM_API_KEY: undefined } });
    expect(without.code).toBe(3);
  });

  it('rcm login saves named profiles (mode 0600), the current one is used, --profile picks another, keys are masked', async () => {
    const env = { RCM_URL: undefined, RCM_FUNCTION_KEY: undefined, RCM_API_KEY: undefined };
    const login = await h.rcm(['login', '--profile', 'ops', '--url', `${h.url}/api/`, '--function-key', functionKey, '--api-key', keys.operator], { env });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain("Saved profile 'ops'");
    const bad = await h.rcm(['login', '--profile', 'broken', '--url', h.url, '--function-key', functionKey, '--api-key', 'not-a-key-at-all-0123456789'], { env });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("profile 'broken' was not saved");
    expect((await h.rcm(['login', '--profile', 'read', '--url', h.url, '--function-key', functionKey, '--api-key', keys.reader], { env })).code).toBe(0);
    const file = join(h.home, '.config', 'rcm', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { current: string; profiles: Record<string, { url: string }> };
    expect(saved.current).toBe('read');
    expect(Object.keys(saved.profiles).sort()).toEqual(['ops', 'read']);
    expect(saved.profiles['ops']?.url).toBe(h.url);

    // The current profile holds a reader key: reading works, an operator change is refused.
    const { host, port } = standalone();
    expect((await h.rcm(['clusters', 'ls'], { env })).code).toBe(0);
    expect((await h.rcm(['clusters', 'add', 'p1', '--mode', 'standalone', '--endpoint', `${host}:${port}`], { env })).code).toBe(3);
    // --profile ops (operator) may change namespaces but not clusters (admin).
    expect((await h.rcm(['clusters', 'add', 'p1', '--mode', 'standalone', '--endpoint', `${host}:${port}`, '--profile', 'ops'], { env })).code).toBe(3);
    const ls = await h.rcm(['profiles', 'ls'], { env });
    expect(ls.stdout).not.toContain(keys.reader);
    expect(rows(ls)).toContainEqual(['*', 'read', h.url, 'chil…6789', 'cli-…89ab']);
    expect((await h.rcm(['clusters', 'ls', '--profile', 'nope'], { env })).code).toBe(2);
    expect((await h.rcm(['profiles', 'use', 'ops'], { env })).code).toBe(0);
    expect(json<{ current: string }>(await h.rcm(['profiles', 'ls', '--json'], { env })).current).toBe('ops');
  });
});

describe('namespaces, jobs and the audit log', () => {
  it('ns set/ls/show/rm; invalidate --dry-run estimates, invalidate --yes deletes and prints the summary', async () => {
    const { host, port } = standalone();
    expect((await h.rcm(['clusters', 'add', 'cache-n', '--mode', 'standalone', '--endpoint', `${host}:${port}`])).code).toBe(0);
    const prefix = keyPrefix('cli-ns');
    const set = await h.rcm(['ns', 'set', 'cache-n', 'users', '--pattern', `${prefix}user:*`, '--ttl', '3600', '--jitter', '10']);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Created namespace users on cache-n: pattern ${prefix}user:*, TTL 1h00m ±10%, priority 50 (version 2).`);
    const update = await h.rcm(['ns', 'set', 'cache-n', 'users', '--priority', '80']);
    expect(update.stdout).toContain('Updated namespace users on cache-n');
    expect(rows(await h.rcm(['ns', 'ls', 'cache-n']))).toEqual([['users', `${prefix}user:*`, '1h00m ±10%', '80', 'no', '-', expect.any(String)]]);
    expect(json<{ priority: number; ttlJitterPercent: number }>(await h.rcm(['ns', 'show', 'cache-n', 'users', '--json']))).toMatchObject({ priority: 80, ttlJitterPercent: 10 });

    const redis = connectStandalone();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 500; i++) pipeline.set(`${prefix}user:${i}`, 'v');
    for (let i = 0; i < 20; i++) pipeline.set(`${prefix}other:${i}`, 'v');
    await pipeline.exec();

    const dry = await h.rcm(['invalidate', 'cache-n', 'users', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n')[0]).toMatch(/^~\d[\d,]* keys match '.*user:\*' in namespace users of cluster cache-n/);
    const dryJson = json<{ dryRun: boolean; estimatedKeys: number }>(await h.rcm(['invalidate', 'cache-n', 'users', '--dry-run', '--json']));
    expect(dryJson.dryRun).toBe(true);
    expect(await redis.exists(`${prefix}user:1`)).toBe(1);

    const refused = await h.rcm(['invalidate', 'cache-n', 'users']);
    expect(refused.code).toBe(2);
    expect(await redis.exists(`${prefix}user:1`)).toBe(1);

    const run = await h.rcm(['invalidate', 'cache-n', 'users', '--yes', '--rate', 'unlimited']);
    expect(run.code).toBe(0);
    // Deleted is exact; SCAN may return a key twice while the server rehashes its table, so scanned (and the
    // selected count the bar measures) can exceed 500 by those repeats.
    const summary = /^Job (invalidate-\S+) succeeded in \d+s: deleted 500 keys \(scanned (\d+)\) on 1 node\(s\)\.\n$/.exec(run.stdout);
    expect(summary, run.stdout).not.toBeNull();
    expect(Number(summary?.[2])).toBeGreaterThanOrEqual(500);
    // Piped stderr gets plain progress lines, the last one at 100 %.
    const bar = /^\[#+\] +100 % {2}(\d+)\/(\d+) keys {2}invalidate cache-n\/users$/.exec(run.stderr.trim().split('\n').at(-1) ?? '');
    expect(bar, run.stderr).not.toBeNull();
    expect(bar?.[1]).toBe(bar?.[2]);
    expect(Number(bar?.[1])).toBeGreaterThanOrEqual(500);
    expect(await redis.exists(`${prefix}user:1`)).toBe(0);
    expect(await redis.exists(`${prefix}other:1`)).toBe(1);
    const jobId = /^Job (\S+)/.exec(run.stdout)?.[1] as string;

    const jobs = rows(await h.rcm(['jobs', 'ls', 'cache-n']));
    expect(jobs[0]).toEqual([jobId, 'invalidate', 'users', 'succeeded', '100.0 %', expect.any(String), 'ada']);
    const show = await h.rcm(['jobs', 'show', jobId, '--json']);
    expect(json<{ progress: { deleted: number } }>(show).progress.deleted).toBe(500);
    const cancelDone = await h.rcm(['jobs', 'cancel', jobId, '--yes']);
    expect(cancelDone.code).toBe(5);
    expect(cancelDone.stderr).toContain('job_finished');

    const noWait = await h.rcm(['hygiene', 'cache-n', 'users', '--dry-run', '--no-wait']);
    expect(noWait.code).toBe(0);
    expect(noWait.stdout).toMatch(new RegExp(`^Job (ttl-hygiene-\\S+) queued: ${h.url.replace(/[.]/g, '\\.')}/api/jobs/ttl-hygiene-\\S+\\n$`));
    const watched = await h.rcm(['jobs', 'watch', /^Job (\S+)/.exec(noWait.stdout)?.[1] as string]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/succeeded/);

    const events = await h.rcm(['events', 'cache-n', '--limit', '50']);
    const types = rows(events).map((r) => r[2]);
    expect(types).toEqual(expect.arrayContaining(['Cluster.Registered', 'Namespace.PolicyChanged', 'Keys.Invalidated', 'Job.Finished']));
    const eventsJson = json<Array<{ type: string; principal: { id: string } }>>(await h.rcm(['events', 'cache-n', '--json']));
    expect(eventsJson.find((e) => e.type === 'RedisClusterManager.Keys.Invalidated')?.principal.id).toBe('ada');

    const rm = await h.rcm(['ns', 'rm', 'cache-n', 'users', '--yes']);
    expect(rm.stdout).toBe('Removed namespace users from cache-n.\n');
    expect((await h.rcm(['ns', 'show', 'cache-n', 'users'])).code).toBe(4);
  });

  it('hygiene gives keys without TTL the namespace TTL; analyze --exact prints the namespace table and the recommendation', async () => {
    const { host, port } = standalone();
    expect((await h.rcm(['clusters', 'add', 'cache-h', '--mode', 'standalone', '--endpoint', `${host}:${port}`])).code).toBe(0);
    const prefix = keyPrefix('cli-hygiene');
    expect((await h.rcm(['ns', 'set', 'cache-h', 'sessions', '--pattern', `${prefix}s:*`, '--ttl', '600'])).code).toBe(0);
    const redis = connectStandalone();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 200; i++) pipeline.set(`${prefix}s:${i}`, 'x'.repeat(i === 7 ? 5000 : 10));
    await pipeline.exec();
    const hygiene = await h.rcm(['hygiene', 'cache-h', 'sessions', '--yes']);
    expect(hygiene.code).toBe(0);
    expect(hygiene.stdout).toMatch(/scanned 200 keys, 200 without TTL, TTL set on 200\.\n$/);
    const ttl = await redis.ttl(`${prefix}s:3`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);

    const analyze = await h.rcm(['analyze', 'cache-h', '--exact']);
    expect(analyze.code).toBe(0);
    const table = rows(analyze);
    const sessions = table.find((r) => r[0] === 'sessions');
    // NAMESPACE KEYS MEMORY SHARE NO-TTL <1H 1H-24H >1D LARGEST
    expect(sessions?.slice(0, 2)).toEqual(['sessions', '200']);
    expect(sessions?.[4]).toBe('0.0 %');
    expect(sessions?.[5]).toBe('100.0 %');
    expect(sessions?.[8]).toMatch(new RegExp(`^${prefix}s:7 \\(`));
    expect(analyze.stdout).toMatch(/\nRecommendation: \S+ \(current: \S+\)/);
    const report = json<{ summary: { mode: string; namespaces: Array<{ namespace: string }> }; recommendation: { recommended: string } | null }>(await h.rcm(['analyze', 'cache-h', '--exact', '--json']));
    expect(report.summary.mode).toBe('exact');
    expect(report.summary.namespaces.map((n) => n.namespace)).toContain('sessions');
    expect(report.recommendation?.recommended).toEqual(expect.any(String));
  });
});

describe('following', () => {
  it('events --follow prints new events as they are recorded; jobs cancel stops a running job; Ctrl-C ends the follow with 0', async () => {
    const { host, port } = standalone();
    const spec = join(h.home, 'cache-f.json');
    writeFileSync(spec, JSON.stringify({ mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' }, displayName: 'from a file' }));
    expect((await h.rcm(['clusters', 'add', 'cache-f', '--from-file', spec])).stdout).toMatch(/^Registered cluster cache-f \(standalone/);
    const prefix = keyPrefix('cli-follow');
    expect((await h.rcm(['ns', 'set', 'cache-f', 'bulk', '--pattern', `${prefix}b:*`])).code).toBe(0);
    const redis = connectStandalone();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 3000; i++) pipeline.set(`${prefix}b:${i}`, 'v');
    await pipeline.exec();

    const follower = startProcess(process.execPath, [rcmBin, 'events', 'cache-f', '--follow', '--json', '--limit', '1'], { env: h.env(), cwd: h.home });
    await follower.waitForOutput(/"type":"RedisClusterManager\.Namespace\.PolicyChanged"/, 20_000);
    const started = await h.rcm(['invalidate', 'cache-f', 'bulk', '--rate', '200', '--yes', '--no-wait', '--json']);
    const { jobId } = json<{ jobId: string; url: string }>(started);
    expect(json<{ url: string }>(started).url).toBe(`${h.url}/api/jobs/${jobId}`);
    await follower.waitForOutput(/"type":"RedisClusterManager\.Job\.Queued"/, 20_000);

    const cancel = await h.rcm(['jobs', 'cancel', jobId, '--yes']);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/^(Cancelled job |Cancel requested: job )/);
    const watched = await h.rcm(['jobs', 'watch', jobId]);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(new RegExp(`^Job ${jobId} cancelled`));
    expect(await redis.exists(`${prefix}b:0`, `${prefix}b:1500`, `${prefix}b:2999`)).toBeGreaterThan(0);
    await follower.waitForOutput(/"type":"RedisClusterManager\.Job\.Finished".*"status":"cancelled"/, 20_000);
    // Every line is one JSON event (NDJSON), in version order.
    const versions = follower.output().trim().split('\n').map((l) => (JSON.parse(l) as { version: number }).version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    process.kill(follower.pid, 'SIGINT');
    await follower.exited;
    expect(follower.child.exitCode).toBe(0);
  }, 60_000);
});

describe('cluster views', () => {
  it('topology, eviction show, alerts and top read the 6-node cluster', async () => {
    const seeds = inject('redisCluster').seeds;
    expect((await h.rcm(['clusters', 'add', 'grid', '--mode', 'cluster', ...seeds.flatMap((s) => ['--endpoint', `${s.host}:${s.port}`])])).code).toBe(0);
    const topology = rows(await h.rcm(['topology', 'grid']));
    expect(topology).toHaveLength(6);
    expect(topology.filter((r) => r[0] === 'master').map((r) => r[3])).toEqual([expect.stringMatching(/^0-\d+ \(\d+\)$/), expect.stringMatching(/^\d+-\d+ \(\d+\)$/), expect.stringMatching(/^\d+-16383 \(\d+\)$/)]);
    expect(topology.filter((r) => r[0] === 'replica')).toHaveLength(3);
    expect(json<{ nodes: unknown[] }>(await h.rcm(['topology', 'grid', '--json'])).nodes).toHaveLength(6);

    const eviction = rows(await h.rcm(['eviction', 'show', 'grid']));
    expect(eviction).toHaveLength(6);
    expect(new Set(eviction.map((r) => r[1]))).toEqual(new Set(['master', 'replica']));

    const alerts = json<{ firing: number; alerts: unknown[] }>(await h.rcm(['alerts', 'grid', '--json']));
    expect(alerts).toMatchObject({ firing: 0, alerts: [] });

    // Two refreshes one second apart: every node, with commands/s from the INFO deltas.
    const top = await h.rcm(['top', 'grid', '--count', '2', '--json']);
    expect(top.code).toBe(0);
    const samples = top.stdout.trim().split('\n').map((l) => JSON.parse(l) as { nodes: Array<{ node: string; opsPerSec: number | null; clients: number | null }> });
    expect(samples).toHaveLength(2);
    for (const s of samples) {
      expect(s.nodes).toHaveLength(6);
      // Our own topology reads are commands too, so every node did some work in the interval.
      for (const n of s.nodes) expect(n.opsPerSec).toBeGreaterThan(0);
      for (const n of s.nodes) expect(n.clients).toBeGreaterThan(0);
    }
    // A reader that goes away (| head) ends rcm quietly with exit 0, no EPIPE stack trace.
    const env = Object.entries(h.env()).map(([k, v]) => `${k}='${v}'`).join(' ');
    const piped = await runCommand('bash', ['-c', `env ${env} '${process.execPath}' '${rcmBin}' top grid --count 5 | head -1; echo "rcm exit \${PIPESTATUS[0]}" >&2`], { timeoutMs: 60_000 });
    expect(piped.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(piped.stderr).toBe('rcm exit 0\n');
    const plain = await h.rcm(['top', 'grid', '--count', '1']);
    expect(rows(plain)).toHaveLength(6);
    expect(rows(plain)[0]?.[0]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('streams', () => {
  it('lists a stream with its group, pending and lag and a queue from the monitor tick; KEY shows the group and its consumer', async () => {
    const { host, port } = standalone();
    expect((await h.rcm(['clusters', 'add', 'msgs', '--mode', 'standalone', '--endpoint', `${host}:${port}`])).code).toBe(0);
    const prefix = keyPrefix('cli-streams');
    const stream = `${prefix}orders/events`; // a '/' in the key: rcm must still reach it
    const queue = `${prefix}jobs`;
    const redis = connectStandalone();
    for (let i = 0; i < 5; i++) await redis.xadd(stream, '*', 'n', String(i));
    await redis.xgroup('CREATE', stream, 'billing', '0');
    await redis.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', '3', 'STREAMS', stream, '>');
    await redis.lpush(queue, 'a', 'b', 'c');
    // No snapshot before the first monitor tick: the API's 404, exit 4.
    expect((await h.rcm(['streams', 'msgs'])).code).toBe(4);
    const run = await fetch(`${h.url}/admin/functions/monitor`, { method: 'POST', headers: { 'x-functions-key': 'child-master-key-0123456789', 'content-type': 'application/json' }, body: '{}' });
    expect(run.status).toBe(202);
    const deadline = Date.now() + 30_000;
    let listed = await h.rcm(['streams', 'msgs']);
    while (!rows(listed).some((r) => r[2] === stream) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      listed = await h.rcm(['streams', 'msgs']);
    }
    expect(listed.code).toBe(0);
    expect(rows(listed).find((r) => r[2] === stream)).toEqual(['stream', `${host}:${port}`, stream, expect.any(String), '5', '1', '1', '3', '2', expect.stringMatching(/^\d+s$/), expect.stringMatching(/B$/), 'no']);
    expect(rows(listed).find((r) => r[2] === queue)).toEqual(['queue', `${host}:${port}`, queue, expect.any(String), '3', '-', '-', '-', '-', '-', expect.stringMatching(/B$/), '-']);
    const all = json<{ streams: Array<{ key: string; pending: number }>; nodes: Array<{ pubsub: { subscriberClients: number } | null }> }>(await h.rcm(['streams', 'msgs', '--json']));
    expect(all.streams.find((s) => s.key === stream)?.pending).toBe(3);
    expect(all.nodes).toHaveLength(1);

    const one = await h.rcm(['streams', 'msgs', stream]);
    expect(one.stderr).toBe('');
    expect(rows(one)).toEqual([['billing', '3', '2', '3', expect.stringMatching(/^\d+-\d+$/), expect.stringMatching(/^\d+s$/), 'worker-1', '3', expect.stringMatching(/^\d+s$/)]]);
    const oneJson = json<{ key: string; groups: Array<{ name: string; consumers: Array<{ name: string; pending: number }> }> }>(await h.rcm(['streams', 'msgs', stream, '--json']));
    expect(oneJson).toMatchObject({ key: stream, groups: [{ name: 'billing', consumers: [{ name: 'worker-1', pending: 3 }] }] });
    const missing = await h.rcm(['streams', 'msgs', `${prefix}nope`]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/404 stream_not_found/);
    expect((await h.rcm(['streams', 'msgs', stream, 'extra'])).code).toBe(2);
    await redis.del(stream, queue);
  }, 90_000);
});

describe('warm', () => {
  it('ns set --warm-plan stores the plan; warm copies the namespace from another registered cluster and prints the counts', async () => {
    const { host, port } = standalone();
    const seeds = inject('redisCluster').seeds;
    expect((await h.rcm(['clusters', 'add', 'warm-src', '--mode', 'standalone', '--endpoint', `${host}:${port}`])).code).toBe(0);
    expect((await h.rcm(['clusters', 'add', 'warm-dst', '--mode', 'cluster', ...seeds.flatMap((s) => ['--endpoint', `${s.host}:${s.port}`])])).code).toBe(0);
    const prefix = keyPrefix('cli-warm');
    const plan = join(h.home, 'plan.json');
    writeFileSync(plan, JSON.stringify({ source: { kind: 'redis', clusterId: 'warm-src', readFrom: 'master' } }));
    expect((await h.rcm(['ns', 'set', 'warm-dst', 'catalog', '--pattern', `${prefix}c:*`, '--ttl', '3600', '--warm-plan', plan])).code).toBe(0);
    expect(rows(await h.rcm(['ns', 'ls', 'warm-dst']))[0]?.[5]).toBe('redis');
    const source = connectStandalone();
    const pipeline = source.pipeline();
    for (let i = 0; i < 300; i++) pipeline.set(`${prefix}c:${i}`, `item-${i}`);
    await pipeline.exec();

    const refused = await h.rcm(['warm', 'warm-dst', 'catalog']);
    expect(refused.code).toBe(2);
    const dry = await h.rcm(['warm', 'warm-dst', 'catalog', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/read 300 records, .*\(dry run: nothing written\)\.\n$/);
    const run = await h.rcm(['warm', 'warm-dst', 'catalog', '--yes']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Job warm-\S+ succeeded in \d+s: read 300 records, wrote 300 keys \([\d.]+ KiB\), skipped 0, failed 0\.\n$/);
    const target = connectCluster();
    expect(await target.get(`${prefix}c:42`)).toBe('item-42');
  });
});

describe('completion', () => {
  it('bash completion completes commands, sub-commands and flags', async () => {
    const script = (await h.rcm(['completion', 'bash'])).stdout;
    const complete = async (words: string[]): Promise<string> => {
      const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _rcm; echo "\${COMPREPLY[*]}"`;
      const r = await runCommand('bash', ['--norc', '-c', line], { env: { PATH: `${join(rcmBin, '..')}:${process.env['PATH'] ?? ''}` } });
      return r.stdout.trim();
    };
    expect(await complete(['rcm', 'inv'])).toBe('invalidate');
    expect((await complete(['rcm', 'clusters', ''])).split(' ')).toEqual(['ls', 'show', 'add', 'rm']);
    expect((await complete(['rcm', 'invalidate', 'x', 'y', '--ra'])).split(' ')).toEqual(['--rate']);
    const zsh = await h.rcm(['completion', 'zsh']);
    expect(zsh.stdout).toContain('bashcompinit');
    expect((await h.rcm(['completion', 'fish'])).code).toBe(2);
  });
});
