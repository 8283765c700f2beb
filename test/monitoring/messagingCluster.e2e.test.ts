import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import type { RunningHost } from '../../tools/host/index';
import type { RedisProcess } from '../../tools/local/index';
import { useOwnCluster } from '../helpers/redis';
import { alertsOf, messagingApi, startMessagingHost, until, type Json } from './messagingHost';

/**
 * The messaging e2e on a real 6-node cluster (3 masters + 3 replicas) through the local host: one stream per master,
 * each with a worker killed -9 mid-batch. Discovery reads every master (and no replica), the lag, stuck-entry and
 * dead-consumer alerts are raised once per stream naming its master, claim and remove-consumer jobs act on each
 * stream through the routing client, and every alert resolves once.
 */
const root = join(__dirname, '..', '..');
const own = useOwnCluster();
let host: RunningHost;
let cluster: Cluster;
let hostLog: string[] = [];
const children: ChildProcess[] = [];
const { api, tick, streamAction } = messagingApi(() => host, 'msgc');
const rules = ['stream_lag_growing', 'stream_pending_stuck', 'stream_consumer_dead'] as const;

/** One `orders:…` stream key per master: [key, its master]. */
async function streamPerMaster(): Promise<[string, RedisProcess][]> {
  const slots = (await cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const ownerOf = (key: string) => {
    const slot = keySlot(Buffer.from(key));
    const port = slots.find(([lo, hi]) => slot >= lo && slot <= hi)?.[2][1];
    return own.cluster.masters.find((m) => m.port === port);
  };
  const found = new Map<number, [string, RedisProcess]>();
  for (let i = 0; found.size < own.cluster.masters.length; i++) {
    const key = `orders:events:${i}`;
    const master = ownerOf(key);
    if (master && !found.has(master.port)) found.set(master.port, [key, master]);
  }
  return [...found.values()];
}

beforeAll(async () => {
  ({ host, log: hostLog } = await startMessagingHost());
  cluster = new Cluster(own.cluster.seeds);
  expect((await api('PUT', '/clusters/msgc', { mode: 'cluster', endpoints: own.cluster.seeds, secretRef: { kind: 'none' } })).status).toBe(201);
}, 60_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.log(hostLog.filter((l) => !/Functions\.(clusterMetrics|namespaces|job) /.test(l)).slice(-80).join('\n'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  cluster?.disconnect();
  await host?.stop();
});

describe('messaging workloads on a 6-node cluster through the local host', () => {
  it('streams on three masters, a worker killed on each: lag, stuck entries and dead consumers found and alerted per master, claimed across nodes, resolved once each', async () => {
    const streams = await streamPerMaster();
    expect(new Set(streams.map(([, m]) => m.port)).size).toBe(3);
    expect((await api('PUT', '/clusters/msgc/alert-rules', {
      rules: { stream_lag_growing: { raiseAt: 1, clearAt: 0 }, stream_pending_stuck: { raiseAt: 1, clearAt: 0.5 }, stream_consumer_dead: { raiseAt: 1, clearAt: 0.5 } },
    }, 'operator')).status).toBe(200);

    const produce = async (n: number) => {
      for (const [key] of streams) for (let i = 0; i < n; i++) await cluster.xadd(key, '*', 'order', String(i));
    };
    await produce(10);
    for (const [key] of streams) await cluster.xgroup('CREATE', key, 'billing', '0');
    await cluster.rpush('jobs:queue', 'job-1');
    // worker-b on each stream: its own process on the stream's master, killed -9 holding 5 entries.
    for (const [key, master] of streams) {
      const worker = spawn(process.execPath, [join(__dirname, 'fixtures', 'streamWorker.mjs'), master.url, key, 'billing', 'worker-b'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(worker);
      await until(`worker-b on ${key} to take a batch`, async () => new Promise<true | undefined>((resolve) => (worker.stdout?.read() ? resolve(true) : setTimeout(() => resolve(undefined), 50))));
      worker.kill('SIGKILL');
    }
    const workerA = async (n: number) => {
      for (const [key] of streams) {
        const got = (await cluster.xreadgroup('GROUP', 'billing', 'worker-a', 'COUNT', n, 'STREAMS', key, '>')) as [string, [string, string[]][]][] | null;
        const ids = got?.[0]?.[1].map(([id]) => id) ?? [];
        if (ids.length) await cluster.xack(key, 'billing', ...ids);
      }
    };
    await workerA(2);

    await tick(); // first sight
    const orders = await until('orders marked persistent', async () => {
      const items = (await api('GET', '/clusters/msgc/namespaces')).json.items as Json[];
      return items.find((n) => n.namespace === 'orders');
    });
    expect(orders).toMatchObject({ keyPattern: 'orders:*', retention: 'persistent' });

    await produce(10);
    await workerA(2);
    await new Promise((r) => setTimeout(r, 1100)); // worker-b's entries idle past the 1 s threshold
    await tick();
    await produce(10);
    await workerA(2);
    await tick();

    // Discovery read the three masters, no replica: each stream once, on its own master, with worker-b's 5 pending.
    const listed = (await api('GET', '/clusters/msgc/streams', undefined, 'reader')).json;
    expect(listed.nodes.map((n: Json) => n.node).sort()).toEqual(streams.map(([, m]) => `127.0.0.1:${m.port}`).sort());
    expect(listed.streamsTotal).toBe(3);
    for (const [key, master] of streams) {
      expect(listed.streams.find((s: Json) => s.key === key)).toMatchObject({ node: `127.0.0.1:${master.port}`, namespace: 'orders', groups: 1, consumers: 2, pending: 5 });
      expect(listed.streams.find((s: Json) => s.key === key).maxLag).toBeGreaterThan(0);
    }
    expect(listed.queues.map((q: Json) => q.key)).toEqual(['jobs:queue']);

    // One alert per stream and rule, each naming the stream's master.
    for (const rule of rules) {
      const raised = alertsOf('Raised', rule);
      expect([rule, raised.length]).toEqual([rule, 3]);
      for (const [key, master] of streams) expect(raised.find((e) => e.data['stream'] === key)?.data).toMatchObject({ clusterId: 'msgc', group: 'billing', node: `127.0.0.1:${master.port}` });
    }
    expect(alertsOf('Raised', 'stream_consumer_dead').map((e) => e.data['consumer'])).toEqual(['worker-b', 'worker-b', 'worker-b']);
    await tick(); // still breached: nothing raised twice
    for (const rule of rules) expect([rule, alertsOf('Raised', rule).length]).toEqual([rule, 3]);

    // Claim each dead worker's entries to worker-c (the job routes each stream to its master), work everything off.
    for (const [key] of streams) {
      const dry = await streamAction({ action: 'claim', key, group: 'billing', consumer: 'worker-c', minIdleMs: 500, dryRun: true });
      expect([key, dry.status, dry.progress.wouldClaim]).toEqual([key, 'succeeded', 5]);
      const claim = await streamAction({ action: 'claim', key, group: 'billing', consumer: 'worker-c', minIdleMs: 500 });
      expect([key, claim.status, claim.progress.claimed]).toEqual([key, 'succeeded', 5]);
      const pending = (await cluster.xpending(key, 'billing', '-', '+', 100, 'worker-c')) as [string][];
      expect(pending).toHaveLength(5);
      await cluster.xack(key, 'billing', ...pending.map(([id]) => id));
      for (let more = true; more; ) {
        const got = (await cluster.xreadgroup('GROUP', 'billing', 'worker-c', 'COUNT', 100, 'STREAMS', key, '>')) as [string, [string, string[]][]][] | null;
        const ids = got?.[0]?.[1].map(([id]) => id) ?? [];
        more = ids.length > 0;
        if (more) await cluster.xack(key, 'billing', ...ids);
      }
      const removed = await streamAction({ action: 'remove-consumer', key, group: 'billing', consumer: 'worker-b' });
      expect([key, removed.status, removed.result.removed]).toEqual([key, 'succeeded', true]);
      expect((await cluster.xinfo('CONSUMERS', key, 'billing')) as unknown[]).toHaveLength(2);
    }

    await tick();
    for (const rule of rules) {
      const resolved = alertsOf('Resolved', rule);
      expect([rule, resolved.length]).toEqual([rule, 3]);
      for (const raised of alertsOf('Raised', rule)) expect(resolved.filter((e) => e.data['alertId'] === raised.data['alertId'])).toHaveLength(1);
    }
    expect((await api('GET', '/clusters/msgc/alerts')).json.alerts.filter((a: Json) => a.rule.startsWith('stream_'))).toEqual([]);
    expect(host.deadLetters()).toEqual([]);
  }, 240_000); // six monitor ticks over 6 nodes and nine jobs through the host: ~15 s alone, much more on a busy machine
});
