import { spawn, type ChildProcess } from 'node:child_process';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHost } from '../../tools/host/index';
import { useOwnRedis } from '../helpers/redis';
import { alertsOf, messagingApi, startMessagingHost, until, type Json } from './messagingHost';

/**
 * Messaging through the local host: the `monitor` timer's discovery, Messaging.WorkloadDiscovered delivered to the
 * real admin subscriber (namespaces marked persistent), the five messaging alerts raised once and resolved, delivered
 * by the host's Event Grid topic to a subscriber; the claim / trim / remove-consumer actions as jobs run by the job
 * runner subscription; the eviction recommendation before and after discovery.
 */
const root = join(__dirname, '..', '..');
// 4 MB hard pubsub limit, no soft limit: the subscriber test fills 85 % of it.
const own = useOwnRedis({ args: ['--client-output-buffer-limit', 'pubsub 4mb 0 0'] });
const stream = 'orders:events';
let host: RunningHost;
let redis: Redis;
const children: ChildProcess[] = [];
/** The host's log, printed when the test fails (what the functions said). */
let hostLog: string[] = [];
const { api, tick, job, streamAction: runJob } = messagingApi(() => host, 'msg');
const alerts = alertsOf;

async function analysis(): Promise<Json> {
  const done = await job('/clusters/msg/analysis', { mode: 'exact' });
  expect(done.status).toBe('succeeded');
  return done.result.recommendation;
}

/** A Pub/Sub subscriber that stops reading its socket: its output buffer in Redis grows with every message. */
function stalledSubscriber(port: number, channel: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => {
      socket.write(`*2\r\n$9\r\nSUBSCRIBE\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`);
      socket.once('data', () => {
        socket.pause();
        resolve(socket);
      });
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  ({ host, log: hostLog } = await startMessagingHost());
  redis = new Redis(own.server.url);
  expect((await api('PUT', '/clusters/msg', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: own.server.port }], secretRef: { kind: 'none' } })).status).toBe(201);
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.log(hostLog.filter((l) => !/Functions\.(clusterMetrics|namespaces|job) /.test(l)).slice(-80).join('\n'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  redis?.disconnect();
  await host?.stop();
});

describe('messaging workloads through the local host', () => {
  it('a killed worker: lag, stuck-entry, dead-consumer, unbounded-stream and Pub/Sub-buffer alerts raised once and resolved after the actions; the namespace turns persistent and the eviction recommendation safe', async () => {
    // A cache whose memory is mostly without TTL: allkeys-lru is what a cache of this shape gets.
    const fill = redis.pipeline();
    for (let i = 0; i < 300; i++) fill.set(`profile:${i}`, 'p'.repeat(200));
    for (let i = 0; i < 50; i++) fill.set(`session:${i}`, 's'.repeat(50), 'EX', 3600);
    await fill.exec();
    expect((await analysis()).recommended).toBe('allkeys-lru');

    const rules = await api('PUT', '/clusters/msg/alert-rules', {
      rules: {
        stream_lag_growing: { raiseAt: 1, clearAt: 0 },
        stream_pending_stuck: { raiseAt: 1, clearAt: 0.5 },
        stream_consumer_dead: { raiseAt: 1, clearAt: 0.5 },
        stream_unbounded: { raiseAt: 25, clearAt: 0 },
      },
    }, 'operator');
    expect(rules.status).toBe(200);

    // Producer, a group, and two workers: worker-a in this process, worker-b a process killed -9 mid-batch.
    const produce = async (n: number) => {
      for (let i = 0; i < n; i++) await redis.xadd(stream, '*', 'order', String(i));
    };
    await produce(10);
    await redis.xgroup('CREATE', stream, 'billing', '0');
    await redis.rpush('jobs:queue', 'job-1', 'job-2');
    const worker = spawn(process.execPath, [join(__dirname, 'fixtures', 'streamWorker.mjs'), own.server.url, stream, 'billing', 'worker-b'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(worker);
    await until('worker-b to take a batch', async () => new Promise<true | undefined>((resolve) => (worker.stdout?.read() ? resolve(true) : setTimeout(() => resolve(undefined), 50))));
    worker.kill('SIGKILL');
    const workerA = async (n: number) => {
      const got = (await redis.xreadgroup('GROUP', 'billing', 'worker-a', 'COUNT', n, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
      const ids = got?.[0]?.[1].map(([id]) => id) ?? [];
      if (ids.length) await redis.xack(stream, 'billing', ...ids);
    };
    await workerA(2);

    await tick(); // first sight: discovery, announcement
    const namespaces = await until('orders marked persistent', async () => {
      const items = (await api('GET', '/clusters/msg/namespaces')).json.items as Json[];
      return items.some((n) => n.namespace === 'orders') && items.some((n) => n.namespace === 'jobs') ? items : undefined;
    });
    expect(namespaces.find((n: Json) => n.namespace === 'orders')).toMatchObject({ keyPattern: 'orders:*', retention: 'persistent', updatedBy: 'redis-cluster-manager' });
    expect(namespaces.find((n: Json) => n.namespace === 'jobs')).toMatchObject({ keyPattern: 'jobs:*', retention: 'persistent' });
    const audit = (await api('GET', '/clusters/msg/events?limit=100')).json.items.map((e: Json) => e.type);
    expect(audit).toContain('RedisClusterManager.Messaging.WorkloadDiscovered');

    const subscriber = await stalledSubscriber(own.server.port, 'prices');
    const limit = 4 * 1024 * 1024;
    const omem = async () => Math.max(0, ...String(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).split('\n').map((l) => Number(/omem=(\d+)/.exec(l)?.[1] ?? 0)));
    for (let i = 0; i < 400 && (await omem()) < 0.85 * limit; i++) await redis.publish('prices', 'x'.repeat(32 * 1024));
    expect(await omem()).toBeGreaterThanOrEqual(0.85 * limit);

    // Lag grows two intervals running; worker-b's 5 entries sit pending for over a second.
    await produce(10);
    await workerA(2);
    await new Promise((r) => setTimeout(r, 1100));
    await tick();
    await produce(10);
    await workerA(2);
    await tick();
    for (const rule of ['stream_lag_growing', 'stream_pending_stuck', 'stream_consumer_dead', 'stream_unbounded', 'pubsub_buffer_near_limit']) expect([rule, alerts('Raised', rule).length]).toEqual([rule, 1]);
    expect(alerts('Raised', 'stream_consumer_dead')[0]?.data).toMatchObject({ clusterId: 'msg', metric: 'stream_consumer_idle_s', stream, group: 'billing', consumer: 'worker-b', node: `127.0.0.1:${own.server.port}` });
    expect(alerts('Raised', 'stream_lag_growing')[0]?.data).toMatchObject({ stream, group: 'billing', metric: 'stream_lag_growth_intervals' });
    expect(alerts('Raised', 'pubsub_buffer_near_limit')[0]?.data).toMatchObject({ metric: 'pubsub_output_buffer_ratio', severity: 'critical' });
    const listed = (await api('GET', '/clusters/msg/streams', undefined, 'reader')).json;
    expect(listed.streams.find((s: Json) => s.key === stream)).toMatchObject({ namespace: 'orders', groups: 1, consumers: 2, pending: 5, capped: false });
    expect(listed.queues.find((q: Json) => q.key === 'jobs:queue')).toMatchObject({ length: 2, namespace: 'jobs' });
    expect(listed.nodes[0].pubsub).toMatchObject({ channels: 1, subscriberClients: 1, outputBufferLimitBytes: limit });
    const one = (await api('GET', `/clusters/msg/streams/${encodeURIComponent(stream)}`, undefined, 'reader')).json;
    expect(one.groups[0].consumers.find((c: Json) => c.name === 'worker-b')).toMatchObject({ pending: 5 });
    expect((await api('GET', '/clusters/msg/streams/nope', undefined, 'reader')).status).toBe(404);
    const history = (await api('GET', '/clusters/msg/metrics?metrics=streams,stream_pending,queues,pubsub_buffer_ratio', undefined, 'reader')).json;
    expect(history.series.find((s: Json) => s.metric === 'stream_pending').points.at(-1)[1]).toBe(5);

    await tick(); // still breached: no second Alert.Raised
    for (const rule of ['stream_consumer_dead', 'stream_pending_stuck', 'pubsub_buffer_near_limit']) expect(alerts('Raised', rule)).toHaveLength(1);

    // Now safe: the stream's namespace is persistent.
    const safe = await analysis();
    expect(safe.recommended).not.toMatch(/^allkeys-/);
    // Little of the cache memory has a TTL here, so nothing can be evicted without risking the stream: noeviction.
    expect(safe.recommended).toBe('noeviction');
    expect(safe.reasons[0]).toMatch(/^namespaces marked persistent \(orders, jobs\) hold/);
    expect(safe.warnings[0]).toMatch(/^allkeys-\* policies would evict keys of orders, jobs/);

    // The actions: bad input first, then claim worker-b's entries to worker-c, which works them off with the rest.
    expect((await api('POST', '/clusters/msg/stream-actions', { action: 'claim', key: stream, group: 'nope', consumer: 'c' }, 'operator')).json.code).toBe('group_not_found');
    expect((await api('POST', '/clusters/msg/stream-actions', { action: 'claim', key: 'profile:1', group: 'billing', consumer: 'c' }, 'operator')).json.code).toBe('not_a_stream');
    expect((await api('POST', '/clusters/msg/stream-actions', { action: 'remove-consumer', key: stream, group: 'billing', consumer: 'worker-b' }, 'operator')).json.code).toBe('consumer_has_pending');
    expect((await api('POST', '/clusters/msg/stream-actions', { action: 'trim', key: stream, maxLen: 1, force: true }, 'operator')).status).toBe(403);
    expect((await api('POST', '/clusters/msg/stream-actions', { action: 'trim', key: stream }, 'operator')).json.errors[0].field).toBe('body.maxLen');
    expect((await api('POST', '/clusters/msg/stream-actions', { action: 'claim', key: stream, group: 'billing', consumer: 'c' }, 'reader')).status).toBe(403);
    const dry = await runJob({ action: 'claim', key: stream, group: 'billing', consumer: 'worker-c', minIdleMs: 500, dryRun: true });
    expect([dry.status, dry.progress.wouldClaim]).toEqual(['succeeded', 5]);
    const claim = await runJob({ action: 'claim', key: stream, group: 'billing', consumer: 'worker-c', minIdleMs: 500 });
    expect([claim.status, claim.progress.claimed]).toEqual(['succeeded', 5]);
    const mine = (await redis.xreadgroup('GROUP', 'billing', 'worker-c', 'STREAMS', stream, '0')) as [string, [string, string[]][]][];
    await redis.xack(stream, 'billing', ...(mine[0]?.[1].map(([id]) => id) ?? []));
    for (let more = true; more; ) {
      const got = (await redis.xreadgroup('GROUP', 'billing', 'worker-c', 'COUNT', 100, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
      const ids = got?.[0]?.[1].map(([id]) => id) ?? [];
      more = ids.length > 0;
      if (more) await redis.xack(stream, 'billing', ...ids);
    }
    const trim = await runJob({ action: 'trim', key: stream, maxLen: 10 });
    expect([trim.status, trim.progress.removed, await redis.xlen(stream)]).toEqual(['succeeded', 20, 10]);
    const removed = await runJob({ action: 'remove-consumer', key: stream, group: 'billing', consumer: 'worker-b' });
    expect([removed.status, removed.result.removed]).toEqual(['succeeded', true]);
    subscriber.resume();
    await until('the subscriber to drain', async () => ((await omem()) === 0 ? true : undefined));
    await tick();
    for (const rule of ['stream_lag_growing', 'stream_pending_stuck', 'stream_consumer_dead', 'stream_unbounded', 'pubsub_buffer_near_limit']) {
      expect([rule, alerts('Resolved', rule).length]).toEqual([rule, 1]);
      expect(alerts('Resolved', rule)[0]?.data['alertId']).toBe(alerts('Raised', rule)[0]?.data['alertId']);
    }
    expect((await api('GET', '/clusters/msg/alerts')).json.alerts.filter((a: Json) => a.rule.startsWith('stream_') || a.rule.startsWith('pubsub_'))).toEqual([]);
    expect(host.deadLetters()).toEqual([]);
    subscriber.destroy();

    // An admin (only) can set the namespace back to cache; an edit without retention keeps it persistent.
    expect((await api('PUT', '/clusters/msg/namespaces/orders', { keyPattern: 'orders:*', retention: 'cache' }, 'operator')).status).toBe(403);
    expect((await api('PUT', '/clusters/msg/namespaces/orders', { keyPattern: 'orders:*', priority: 80 }, 'operator')).json.retention).toBe('persistent');
    expect((await api('PUT', '/clusters/msg/namespaces/orders', { keyPattern: 'orders:*', priority: 80, retention: 'cache' }, 'admin')).json.retention).toBe('cache');
    await tick(); // still holding the stream, already announced: the admin's decision stands
    expect((await api('GET', '/clusters/msg/namespaces/orders')).json.retention).toBe('cache');
  }, 180_000); // seven monitor ticks, two analyses and four jobs through the host: ~10 s alone, much more on a busy machine
});
