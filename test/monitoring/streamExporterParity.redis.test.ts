import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisExporter, type RedisExporter } from '../../bench/scenarios/monitorExporter';
import { defaultDiscoveryOptions, discoverNode } from '../../shared/monitoring/messaging/discoverNode';
import type { NodeMessaging } from '../../shared/monitoring/messaging/MessagingSnapshot';
import { HttpRequest, InvocationContext } from '@azure/functions';
import type { Monitoring } from '../../shared/monitoring/collection/openMonitoring';
import { runMonitorTick } from '../../shared/monitoring/collection/runMonitorTick';
import { prometheusRoutesFor } from '../../shared/monitoring/prometheus/prometheusRoutes';
import { apiHandler } from '../../shared/platform/http/apiHandler';
import { useOwnRedis } from '../helpers/redis';
import { change, RedisConnectionManager, testMonitoring, tickDeps } from './fixtures';
import { parseExposition, select } from './promText';

// Own server: the exporter's SCAN and our discovery must see exactly these streams and nothing else moving.
const own = useOwnRedis();
let exporter: RedisExporter;
let ours: NodeMessaging;
let theirs: Map<string, number>;

beforeAll(async () => {
  const redis = new Redis(own.server.url);
  try {
    for (let s = 0; s < 5; s++) {
      const key = `parity:stream:${s}`;
      for (let i = 0; i < 10 + s; i++) await redis.xadd(key, '*', 'n', String(i));
      for (let g = 0; g < s % 3; g++) {
        await redis.xgroup('CREATE', key, `g${g}`, '0');
        await redis.xreadgroup('GROUP', `g${g}`, 'alpha', 'COUNT', 2 + g, 'STREAMS', key, '>');
        const beta = (await redis.xreadgroup('GROUP', `g${g}`, 'beta', 'COUNT', 3, 'STREAMS', key, '>')) as [string, [string, string[]][]][];
        const first = beta[0]?.[1][0]?.[0];
        if (first) await redis.xack(key, `g${g}`, first);
      }
    }
    await redis.set('parity:plain', 'x'); // not a stream: both leave it out
    exporter = await startRedisExporter(`127.0.0.1:${own.server.port}`, ['--check-streams', 'parity:*']);
    // Same node, same moment: our discovery, then at once one exporter scrape.
    ours = await discoverNode(redis, `127.0.0.1:${own.server.port}`, undefined, () => null, { ...defaultDiscoveryOptions, latencyGuard: null, deadline: Date.now() + 10_000 });
    theirs = await exporter.scrape();
  } finally {
    redis.disconnect();
  }
});

afterAll(async () => {
  await exporter?.stop();
});

describe('stream parity with prometheus-redis-exporter --check-streams (same server, same moment)', () => {
  it('length, groups, consumers and pending per group and per consumer are equal; ids and idle agree', () => {
    const labels = (l: Record<string, string>) => `{${Object.entries({ db: 'db0', ...l }).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
    const metric = (name: string, l: Record<string, string>) => theirs.get(`${name}${labels(l)}`);
    expect(ours.streams).toHaveLength(5);
    expect([...theirs.keys()].filter((k) => k.startsWith('redis_stream_length{'))).toHaveLength(5);
    let groups = 0;
    for (const s of ours.streams) {
      expect([s.key, metric('redis_stream_length', { stream: s.key })]).toEqual([s.key, s.length]);
      expect([s.key, metric('redis_stream_groups', { stream: s.key })]).toEqual([s.key, s.groups.length]);
      // The exporter prints ids as their millisecond part.
      expect(metric('redis_stream_last_generated_id', { stream: s.key })).toBe(Number(s.lastId.split('-')[0]));
      for (const g of s.groups) {
        groups += 1;
        const l = { stream: s.key, group: g.name };
        expect([l, metric('redis_stream_group_consumers', l), metric('redis_stream_group_messages_pending', l)]).toEqual([l, g.consumerCount, g.pending]);
        expect(metric('redis_stream_group_last_delivered_id', l)).toBe(Number(g.lastDeliveredId.split('-')[0]));
        for (const c of g.consumers) {
          const lc = { ...l, consumer: c.name };
          expect([lc, metric('redis_stream_group_consumer_messages_pending', lc)]).toEqual([lc, c.pending]);
          // Idle moves on between the two reads: the exporter's (seconds) is at or after ours, within a second.
          const idle = metric('redis_stream_group_consumer_idle_seconds', lc) ?? -1;
          expect(idle * 1000).toBeGreaterThanOrEqual(c.idleMs - 5);
          expect(idle * 1000 - c.idleMs).toBeLessThan(1000);
        }
      }
    }
    expect(groups).toBe(4); // streams 1 and 4 have one group, 2 has two, 0 and 3 none
  });
});

describe('the Prometheus endpoint serves the same stream families (from the tick\'s scrape row, never from Redis)', () => {
  const connections = new RedisConnectionManager();
  let m: Monitoring;
  afterAll(() => connections.closeAll());

  it('redis_stream_* series per stream, group and consumer equal the exporter\'s, with lag and entries-read added', async () => {
    m = await testMonitoring();
    await m.cp.clusters.put('streams', { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
    const deps = { ...tickDeps(m, connections), messaging: { store: m.messaging, streams: m.cp.streams, namespaces: async () => [] } };
    await runMonitorTick(deps, 20_000);
    const scraped = await exporter.scrape();
    const handler = apiHandler(prometheusRoutesFor(async () => m, async () => []), async () => m.cp);
    const res = await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/metrics', headers: {} }), new InvocationContext({ invocationId: 'scrape' }));
    expect(res.status).toBe(200);
    const series = parseExposition(String(res.body)).series; // the strict parser: contiguous families, no duplicates
    const exported = [...scraped.entries()].filter(([k]) => k.startsWith('redis_stream_') && !k.startsWith('redis_stream_radix'));
    expect(exported.length).toBeGreaterThan(20);
    for (const [key, value] of exported) {
      const name = key.slice(0, key.indexOf('{'));
      const labels = Object.fromEntries([...key.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      const mine = select(series, name, { ...labels, cluster: 'streams', instance: `127.0.0.1:${own.server.port}` });
      expect([key, mine.length]).toEqual([key, 1]);
      if (name === 'redis_stream_group_consumer_idle_seconds') expect(Math.abs((mine[0]?.value ?? 0) - value)).toBeLessThan(1);
      else expect([key, mine[0]?.value]).toEqual([key, value]);
    }
    expect(select(series, 'redis_stream_group_lag', { stream: 'parity:stream:2', group: 'g1' })[0]?.value).toBe(12 - 6);
    expect(select(series, 'redis_stream_group_entries_read', { stream: 'parity:stream:2', group: 'g1' })[0]?.value).toBe(6);
  });
});
