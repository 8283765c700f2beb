import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, useOwnRedis } from '../helpers/redis';
import { startSecurityHost, until, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// Finding 1: the Event Grid webhook of the local host took forged events from anyone (no key, text/plain, so any web
// page could send them) and the eviction subscriber shortened real TTLs on the strength of the payload alone.
const own = useOwnRedis(); // the attack targets TTLs of this server's keys, and maxmemory is changed
let host: SecurityHost;
let redis: Redis;

beforeAll(async () => {
  host = await startSecurityHost();
  redis = new Redis({ port: own.server.port });
  const labels = { 'rcm.eviction.auto-shorten-ttl': 'on' };
  expect((await host.setup('PUT', '/api/clusters/victim', { body: { mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], secretRef: { kind: 'none' }, labels } })).status).toBe(201);
  expect((await host.setup('PUT', '/api/clusters/victim/namespaces/feed', { as: 'operator', body: { keyPattern: 'feed:*', ttlSeconds: 3600, priority: 10 } })).status).toBe(201);
  await redis.set('feed:1', 'x', 'EX', 3600);
  await redis.set('feed:2', 'x', 'EX', 3600);
}, 90_000);
afterAll(async () => {
  await closeClient(redis);
  await host?.stop();
});

const forgedAlert = () => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/redis-cluster-manager',
  type: 'RedisClusterManager.Alert.Raised',
  subject: 'clusters/victim',
  time: new Date().toISOString(),
  data: { clusterId: 'victim', alertId: `forged-${randomUUID()}`, rule: 'memory_high', severity: 'critical', metric: 'used_memory_ratio', value: 0.99, threshold: 0.9, raisedAt: new Date().toISOString() },
});

const webhook = (functionName: string, code: string | undefined, body: unknown, contentType = 'text/plain') =>
  host.raw('POST', `/runtime/webhooks/eventgrid?functionName=${functionName}${code === undefined ? '' : `&code=${code}`}`, { 'content-type': contentType, 'aeg-event-type': 'Notification' }, JSON.stringify(body));

const ttls = async () => [await redis.ttl('feed:1'), await redis.ttl('feed:2')];
const recommendations = async () => (await host.events('victim')).filter((e) => e.type === 'RedisClusterManager.Eviction.PolicyRecommended');

describe('attack: forged Event Grid deliveries to the local host', () => {
  it('refuses every subscriber without the eventgrid_extension key (none, wrong, or the function key), before reading the events', async () => {
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    await redis.config('SET', 'maxmemory', String(Math.ceil(used / 0.97))); // memory really is high: only the key stops it
    try {
      for (const fn of ['evictionOnMemoryAlert', 'jobRunner', 'warmOnInvalidation']) {
        for (const code of [undefined, 'wrong', securityKeys.function]) {
          const res = await webhook(fn, code, forgedAlert());
          expect([fn, code, res.status]).toEqual([fn, code, 401]);
        }
      }
      const header = await host.raw('POST', '/runtime/webhooks/eventgrid?functionName=evictionOnMemoryAlert', { 'content-type': 'text/plain', 'x-functions-key': 'wrong' }, JSON.stringify(forgedAlert()));
      expect(header.status).toBe(401);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect((await ttls()).every((t) => t > 3500)).toBe(true);
    expect(await recommendations()).toEqual([]);
  });

  it('a delivery with a valid key but an alert that is not firing in the alert store changes no TTL and records nothing', async () => {
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    await redis.config('SET', 'maxmemory', String(Math.ceil(used / 0.97)));
    try {
      // The master key also opens the webhook (as on the real host): someone holding it is let in, the payload is not trusted.
      const res = await webhook('evictionOnMemoryAlert', securityKeys.master, forgedAlert(), 'application/cloudevents+json');
      expect(res.status).toBe(202);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect((await ttls()).every((t) => t > 3500)).toBe(true);
    expect(await recommendations()).toEqual([]);
    expect(host.proc.output()).toMatch(/alert 'forged-[^']+' of cluster 'victim' is not firing in the alert store; ignored/);
  });

  it("the host's own topic still delivers (with the generated key): an event published there reaches its subscriber", async () => {
    // Namespace changes publish through the app's topic; jobRunner runs the job only if the delivery got through.
    const started = await host.setup('POST', '/api/clusters/victim/analysis', { as: 'operator', body: { mode: 'exact' } });
    expect([started.status, started.json?.code]).toEqual([202, undefined]);
    // Only a delivery to jobRunner moves a job out of `queued`; whether the analysis then succeeds is not the point.
    const job = await until('the job to leave queued (delivered to jobRunner)', async () => {
      const j = (await host.api('GET', started.headers['location'] as string, { as: 'reader' })).json;
      return j?.status && j.status !== 'queued' ? j : undefined;
    });
    expect(['running', 'succeeded', 'failed'], JSON.stringify(job)).toContain(job.status);
    expect(host.proc.output()).not.toMatch(/dead-lettered for subscription 'job-runner'/);
  });
});
