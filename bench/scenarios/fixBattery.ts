import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { startInProcessHost, type Call } from '../inProcessHost';
import { redisText, spawnAzurite, spawnRedisCluster, type RedisClusterProcesses, type RedisProcess } from '../../tools/local/index';
import { report } from '../benchResult';

/** Keys written to each cluster of the battery. @default 20000 */
const KEYS = Number(process.env['BENCH_FIX_KEYS'] ?? 20_000);
const apiKey = 'bench-fix-admin-key-0123456789abc';

/** A cluster of the battery: 3 masters, no replicas, `KEYS` keys `b:<i>` of 100 B. */
interface Bed {
  cluster: RedisClusterProcesses;
  ids: string[];
  /** Slot → index of its master. */
  ownerOf: number[];
  /** What must be there after a lossless repair (key → value). */
  expected: Map<string, string>;
  /** A master killed by the state (its keys cannot be expected back). */
  down?: RedisProcess;
  /** Values that must still exist on some master (a second copy of a key: dropping it is a loss). */
  copies: [string, string][];
}

type Breaker = (b: Bed) => Promise<void>;

const value = (i: number): string => `${i}:`.padEnd(100, 'x');
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const at = (n: RedisProcess): string => `${n.host}:${n.port}`;

async function bed(): Promise<Bed> {
  const cluster = await spawnRedisCluster({ masters: 3, replicasPerMaster: 0 });
  const ids = await Promise.all(cluster.masters.map((m) => cmd(m, 'CLUSTER', 'MYID')));
  // So the judge can read every surviving key while slots are uncovered (neither tool needs it).
  await Promise.all(cluster.masters.map((m) => cmd(m, 'CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes')));
  const conns = cluster.masters.map((m) => new Redis(m.port, m.host));
  const slots = (await conns[0]?.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
  const ownerOf = new Array<number>(16384).fill(-1);
  for (const [lo, hi, [, port]] of slots) ownerOf.fill(cluster.masters.findIndex((m) => m.port === port), lo, hi + 1);
  const expected = new Map<string, string>();
  const pipelines = conns.map((c) => c.pipeline());
  for (let i = 0; i < KEYS; i++) {
    const key = `b:${i}`;
    expected.set(key, value(i));
    pipelines[ownerOf[keySlot(Buffer.from(key))] ?? 0]?.set(key, value(i));
  }
  await Promise.all(pipelines.map((p) => p.exec()));
  await Promise.all(conns.map((c) => c.quit()));
  return { cluster, ids, ownerOf, expected, copies: [] };
}

/** Slots of master `m` holding at least `min` of the battery's keys, in slot order. */
function slotsWithKeys(b: Bed, m: number, min = 2): number[] {
  const counts = new Map<number, number>();
  for (const key of b.expected.keys()) {
    const s = keySlot(Buffer.from(key));
    if (b.ownerOf[s] === m) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n >= min).map(([s]) => s).sort((x, y) => x - y);
}

function keysIn(b: Bed, slot: number): string[] {
  return [...b.expected.keys()].filter((k) => keySlot(Buffer.from(k)) === slot);
}

function keyInSlot(slot: number, suffix: string): string {
  for (let i = 0; ; i++) if (keySlot(Buffer.from(`{p${i}}`)) === slot) return `{p${i}}:${suffix}`;
}

/** Writes a key on a master that does not own its slot (IMPORTING + ASKING), leaving the slot IMPORTING or STABLE. */
async function plant(b: Bed, on: number, slot: number, key: string, val: string, keepImporting: boolean): Promise<void> {
  const node = b.cluster.masters[on] as RedisProcess;
  await cmd(node, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', b.ids[b.ownerOf[slot] ?? 0] ?? '');
  const redis = new Redis(node.port, node.host);
  const replies = (await redis.pipeline().call('ASKING').set(key, val).exec()) ?? [];
  redis.disconnect();
  if (replies[1]?.[0]) throw replies[1][0];
  if (!keepImporting) await cmd(node, 'CLUSTER', 'SETSLOT', String(slot), 'STABLE');
}

async function migrate(b: Bed, from: number, to: number, key: string): Promise<void> {
  const target = b.cluster.masters[to] as RedisProcess;
  await cmd(b.cluster.masters[from] as RedisProcess, 'MIGRATE', target.host, String(target.port), key, '0', '5000');
}

const m = (b: Bed, i: number): RedisProcess => b.cluster.masters[i] as RedisProcess;
const setslot = (b: Bed, on: number, slot: number, ...rest: string[]): Promise<string> => cmd(m(b, on), 'CLUSTER', 'SETSLOT', String(slot), ...rest);

/** The broken states: the health gaps of issue 13 plus open slots with two importers, an importer with keys, a down owner. */
const states: Record<string, Breaker> = {
  'open: migrating + importing, half moved': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    await setslot(b, 1, s as number, 'IMPORTING', b.ids[0] as string);
    await setslot(b, 0, s as number, 'MIGRATING', b.ids[1] as string);
    await migrate(b, 0, 1, keysIn(b, s as number)[0] as string);
  },
  'open: migrating only, no importer': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    await setslot(b, 0, s as number, 'MIGRATING', b.ids[1] as string);
  },
  'open: importing only, the importer holding keys': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    await setslot(b, 1, s as number, 'IMPORTING', b.ids[0] as string);
    await setslot(b, 0, s as number, 'MIGRATING', b.ids[1] as string);
    await migrate(b, 0, 1, keysIn(b, s as number)[0] as string);
    await setslot(b, 0, s as number, 'STABLE');
  },
  'open: two importers, one holding keys': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    await setslot(b, 1, s as number, 'IMPORTING', b.ids[0] as string);
    await setslot(b, 2, s as number, 'IMPORTING', b.ids[0] as string);
    await setslot(b, 0, s as number, 'MIGRATING', b.ids[1] as string);
    await migrate(b, 0, 1, keysIn(b, s as number)[0] as string);
  },
  'open: migrating on two masters (a stale MIGRATING left on a former owner)': async (b) => {
    // An empty slot of m2: m2 sets it MIGRATING, then gives it up (DELSLOTS keeps the MIGRATING state), m0 claims it;
    // then an ordinary open migration m0 → m1. redis-cli: migrating on two nodes is none of its four cases.
    const s = Array.from({ length: 400 }, (_, i) => 16000 + i).find((x) => keysIn(b, x).length === 0) as number;
    await setslot(b, 2, s, 'MIGRATING', b.ids[0] as string);
    await Promise.all(b.cluster.masters.map((n) => cmd(n, 'CLUSTER', 'DELSLOTS', String(s))));
    await cmd(m(b, 0), 'CLUSTER', 'ADDSLOTS', String(s));
    await cmd(m(b, 0), 'CLUSTER', 'BUMPEPOCH');
    // Not SETSLOT NODE on m2: with no keys it would clear the MIGRATING state; m2 learns the owner by gossip.
    await setslot(b, 1, s, 'NODE', b.ids[0] as string);
    for (let i = 0; i < 100 && !(await cmd(m(b, 2), 'CLUSTER', 'NODES')).split('\n').some((l) => l.startsWith(b.ids[0] as string) && new RegExp(`\\b${s}\\b`).test(l)); i++) await sleep(100);
    await setslot(b, 1, s, 'IMPORTING', b.ids[0] as string);
    await setslot(b, 0, s, 'MIGRATING', b.ids[1] as string);
    b.ownerOf[s] = 0;
  },
  'open: importer whose source does not own the slot, holding a key': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    const node = m(b, 2);
    await cmd(node, 'CLUSTER', 'SETSLOT', String(s), 'IMPORTING', b.ids[1] as string);
    const redis = new Redis(node.port, node.host);
    const key = keyInSlot(s as number, 'stray');
    await redis.pipeline().call('ASKING').set(key, 'stray-value').exec();
    redis.disconnect();
    b.expected.set(key, 'stray-value');
  },
  'open: migrating to one master, importing on another holding a key': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    await setslot(b, 2, s as number, 'IMPORTING', b.ids[0] as string);
    await setslot(b, 0, s as number, 'MIGRATING', b.ids[1] as string);
    await migrate(b, 0, 2, keysIn(b, s as number)[0] as string);
  },
  'keys in a slot their node does not own (abandoned with SETSLOT STABLE)': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    await setslot(b, 1, s as number, 'IMPORTING', b.ids[0] as string);
    await setslot(b, 0, s as number, 'MIGRATING', b.ids[1] as string);
    await migrate(b, 0, 1, keysIn(b, s as number)[0] as string);
    await setslot(b, 0, s as number, 'STABLE');
    await setslot(b, 1, s as number, 'STABLE');
  },
  'a key outside its owner with a different value than the owner\u2019s': async (b) => {
    const [s] = slotsWithKeys(b, 0);
    // Both values must survive: a lossless tool refuses and names the key; dropping either copy is a lost key.
    const key = keysIn(b, s as number)[0] as string;
    await plant(b, 1, s as number, key, 'a different value', false);
    b.copies.push([key, 'a different value']);
  },
  'uncovered slots, no keys anywhere': async (b) => {
    const empty = Array.from({ length: 400 }, (_, i) => 16383 - i).filter((s) => keysIn(b, s).length === 0).slice(0, 10);
    await Promise.all(b.cluster.masters.map((n) => Promise.all(empty.map((s) => cmd(n, 'CLUSTER', 'DELSLOTS', String(s)).catch(() => '')))));
  },
  'uncovered slots, keys on their old master': async (b) => {
    await Promise.all(b.cluster.masters.map((n) => cmd(n, 'CLUSTER', 'DELSLOTSRANGE', '16300', '16383')));
  },
  'uncovered slot, keys on two masters': async (b) => {
    const [s] = slotsWithKeys(b, 2);
    const key = keyInSlot(s as number, 'second');
    await plant(b, 1, s as number, key, 'second-holder', false);
    b.expected.set(key, 'second-holder');
    await Promise.all(b.cluster.masters.map((n) => cmd(n, 'CLUSTER', 'DELSLOTS', String(s))));
  },
  'owner down, no replica promoted': async (b) => {
    const victim = m(b, 2);
    for (const key of [...b.expected.keys()]) if (b.ownerOf[keySlot(Buffer.from(key))] === 2) b.expected.delete(key);
    await victim.stop();
    b.down = victim;
    const deadline = Date.now() + 30_000;
    while (!(await cmd(m(b, 0), 'CLUSTER', 'NODES')).split('\n').some((l) => l.startsWith(b.ids[2] as string) && /\bfail\b/.test(l))) {
      if (Date.now() > deadline) throw new Error('the killed master was never marked failed');
      await sleep(200);
    }
  },
};

interface Outcome {
  outcome: 'repaired' | 'refused' | 'incomplete';
  /** Expected keys (or copies) found nowhere, by value or by name. */
  keysLost: number;
  /** Expected keys whose name is still on a master that cannot serve them (a slot it neither owns nor imports). */
  keysStranded: number;
  seconds: number;
  note: string;
}

/** After a repair: redis-cli check clean (with multiple-owner search) and every expected key with its value. */
async function judge(b: Bed, refusedSaid: boolean, seconds: number, note: string): Promise<Outcome> {
  const live = b.cluster.masters.filter((n) => n !== b.down);
  const check = await run('redis-cli', ['--cluster', 'check', at(live[0] as RedisProcess), '--cluster-search-multiple-owners']);
  const clean = !/\[ERR\]|\[WARNING\]/.test(check.output.replace(/\[WARNING\][^\n]*(claims to be slave of unknown|fail)[^\n]*/g, ''));
  let lost = 0;
  let stranded = 0;
  const conns = live.map((n) => new Redis(n.port, n.host));
  try {
    // Each key read where it is (any master, ASKING so a key in an open or unowned slot still counts as present).
    const found = new Map<string, string>();
    const all = new Set<string>();
    const names = new Set<string>();
    const unreadable = new Set<string>();
    for (const c of conns) {
      let cursor = '0';
      do {
        const [next, keys] = await c.scan(cursor, 'COUNT', 1000);
        cursor = next;
        const pipeline = c.pipeline();
        for (const k of keys) pipeline.call('ASKING').get(k);
        const replies = (await pipeline.exec()) ?? [];
        keys.forEach((k, i) => {
          names.add(k);
          const [error, v] = replies[i * 2 + 1] ?? [null, null];
          if (error) unreadable.add(k);
          if (typeof v === 'string' && !found.has(k)) found.set(k, v);
          if (typeof v === 'string') all.add(`${k}=${v}`);
        });
      } while (cursor !== '0');
    }
    for (const [k, v] of b.expected) {
      if (found.get(k) === v || all.has(`${k}=${v}`)) continue;
      if (names.has(k) && !found.has(k)) stranded += 1;
      else lost += 1;
    }
    for (const [k, v] of b.copies) if (!all.has(`${k}=${v}`) && !(unreadable.has(k))) lost += 1;
  } finally {
    conns.forEach((c) => c.disconnect());
  }
  return { outcome: clean && lost === 0 && stranded === 0 ? 'repaired' : refusedSaid ? 'refused' : 'incomplete', keysLost: lost, keysStranded: stranded, seconds, note: (clean ? '' : 'check not clean; ') + note };
}

function run(command: string, args: string[], stdin?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output: output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '') });
    });
  });
}


async function ours(call: Call, id: string, b: Bed, force: boolean): Promise<Outcome> {
  try {
    const put = await call('PUT', `/api/clusters/${id}`, { mode: 'cluster', endpoints: b.cluster.masters.filter((n) => n !== b.down).map((n) => ({ host: n.host, port: n.port })), secretRef: { kind: 'none' } });
    if (put.status !== 201) throw new Error(`register: ${put.status} ${JSON.stringify(put.json)}`);
    const started = performance.now();
    const res = await call('POST', `/api/clusters/${id}/slots/fix`, { latencyGuard: null, ...(force ? { force } : {}) });
    if (res.status !== 202) return judge(b, true, (performance.now() - started) / 1000, `${res.status} ${String(res.json['code'])}`);
    let job: Record<string, unknown> = {};
    for (;;) {
      job = (await call('GET', `/api/jobs/${String(res.json['jobId'])}`)).json;
      if (job['status'] !== 'running' && job['status'] !== 'queued') break;
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    const error = job['error'] as { code?: string } | undefined;
    return judge(b, job['status'] === 'failed' && error?.code === 'busykey_conflict', seconds, `job ${String(job['status'])}${error ? ` (${String(error.code)})` : ''}`);
  } finally {
    await redisConnections.closeAll();
  }
}

async function peer(b: Bed, force: boolean): Promise<Outcome> {
  const live = b.cluster.masters.filter((n) => n !== b.down);
  const started = performance.now();
  // Its coverage questions ignore --cluster-yes: answer them on stdin, as `yes yes |` would.
  const out = await run('redis-cli', ['--cluster', 'fix', at(live[0] as RedisProcess), '--cluster-search-multiple-owners', '--cluster-yes', ...(force ? ['--cluster-fix-with-unreachable-masters'] : [])], 'yes\n'.repeat(50));
  const seconds = (performance.now() - started) / 1000;
  const refusedSaid = out.code !== 0 && /can't fix|Impossible to fix|dangerous|different values|Failed to fix|\[ERR\]/i.test(out.output);
  const last = out.output.split('\n').filter((l) => /^\[ERR\]|^\*\*\* |Sorry|Failed/.test(l)).at(-1)?.trim().slice(0, 200);
  const said = `exit ${String(out.code)}${last ? `: ${last}` : ''}`;
  return judge(b, refusedSaid, seconds, said);
}

/**
 * The fix battery: every broken state built the same way on a fresh 3-master cluster (20k keys × 100 B) for ours
 * (`POST …/slots/fix` through the local host → job final) and for `redis-cli --cluster fix
 * --cluster-search-multiple-owners` (its best), then judged the same way: redis-cli check clean and every key with
 * its value. A down owner is also run with force / --cluster-fix-with-unreachable-masters (both reassign; its keys
 * are not expected back).
 */
export async function fixBattery(): Promise<void> {
  const azurite = await spawnAzurite();
  const host = await startInProcessHost({ connectionString: azurite.connectionString, tablePrefix: 'benchfix', apiKey, topicKey: 'bench-fix-topic-key-0123456' });
  const { call } = host;
  const rows: { state: string; ours: Outcome; redisCli: Outcome }[] = [];
  let n = 0;
  try {
    const runs: [string, Breaker, boolean][] = [...Object.entries(states).map(([name, breaker]): [string, Breaker, boolean] => [name, breaker, false]), ['owner down, with force / --cluster-fix-with-unreachable-masters', states['owner down, no replica promoted'] as Breaker, true]];
    for (const [name, breaker, force] of runs) {
      const mine = await bed();
      await breaker(mine);
      const o = await ours(call, `fix${n++}`, mine, force).finally(() => mine.cluster.stop());
      const theirs = await bed();
      await breaker(theirs);
      const p = await peer(theirs, force).finally(() => theirs.cluster.stop());
      rows.push({ state: name, ours: o, redisCli: p });
      console.log(`${name}: ours ${o.outcome} (lost ${o.keysLost}, stranded ${o.keysStranded}, ${o.seconds.toFixed(2)} s, ${o.note}) | redis-cli ${p.outcome} (lost ${p.keysLost}, stranded ${p.keysStranded}, ${p.seconds.toFixed(2)} s, ${p.note})`);
    }
  } finally {
    await host.stop();
    await azurite.stop();
  }
  const count = (who: 'ours' | 'redisCli', what: Outcome['outcome']): number => rows.filter((r) => r[who].outcome === what).length;
  const lost = (who: 'ours' | 'redisCli'): number => rows.reduce((s, r) => s + r[who].keysLost, 0);
  report({
    scenario: 'fixBattery',
    what: `${rows.length} broken states, each on a fresh 3-master cluster with ${KEYS} keys: repaired without loss (redis-cli check clean, every key with its value)`,
    ours: count('ours', 'repaired'),
    peer: count('redisCli', 'repaired'),
    peerName: 'redis-cli --cluster fix --cluster-search-multiple-owners',
    unit: 'states repaired',
    ratio: count('ours', 'repaired') / Math.max(1, count('redisCli', 'repaired')),
    details: {
      states: rows,
      totals: {
        ours: { repaired: count('ours', 'repaired'), refused: count('ours', 'refused'), incomplete: count('ours', 'incomplete'), keysLost: lost('ours'), keysStranded: rows.reduce((n, r) => n + r.ours.keysStranded, 0) },
        redisCli: { repaired: count('redisCli', 'repaired'), refused: count('redisCli', 'refused'), incomplete: count('redisCli', 'incomplete'), keysLost: lost('redisCli'), keysStranded: rows.reduce((n, r) => n + r.redisCli.keysStranded, 0) },
      },
      notSimulated: 'two masters claiming one slot in their own views: Redis resolves it by gossip within about a second (the lower config epoch loses and Redis deletes its keys in the slot), so it cannot be built to stand still for both tools',
      note: 'whether the machine was quiet is in machine.loadAverage1m (the 1-minute load when the result was written)',
    },
  });
}
