import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSecurityHost, until, type Json, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// The warming subscribers sent forged deliveries that carry a valid key (the master key opens the Event Grid webhook,
// as on the real host): the key lets the delivery in, the payload alone never starts a warm.
let host: SecurityHost;
const plan = (extra: Record<string, unknown>) => ({ source: { kind: 'blob', container: 'warm-nothing', blob: 'missing.ndjson' }, mapping: { key: 'sec-warm:rewarmed:{id}', value: 'value' }, ...extra });

beforeAll(async () => {
  host = await startSecurityHost({ WARM_BLOB_CONTAINERS: 'warm-*' });
  const { host: h, port } = inject('redisStandalone');
  expect((await host.setup('PUT', '/api/clusters/warmsubs', { body: { mode: 'standalone', endpoints: [{ host: h, port }], secretRef: { kind: 'none' } } })).status).toBe(201);
  const ns = await host.setup('PUT', '/api/clusters/warmsubs/namespaces/rewarmed', { as: 'operator', body: { keyPattern: 'sec-warm:rewarmed:*', warmPlan: plan({ rewarmAfterInvalidation: true }) } });
  expect(ns.status, ns.text).toBe(201);
  const az = await host.setup('PUT', '/api/clusters/azprod', { body: { mode: 'standalone', endpoints: [{ host: h, port }], secretRef: { kind: 'none' }, azureResourceId: `${cacheGroup('rg')}/prod` } });
  expect(az.status, az.text).toBe(201);
  const azNs = await host.setup('PUT', '/api/clusters/azprod/namespaces/items', { as: 'operator', body: { keyPattern: 'sec-warm:items:*', warmPlan: plan({ mapping: { key: 'sec-warm:items:{id}', value: 'value' } }) } });
  expect(azNs.status, azNs.text).toBe(201);
}, 90_000);
afterAll(async () => {
  await host?.stop();
});

const cacheGroup = (group: string) => `/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/${group}/providers/Microsoft.Cache/Redis`;
const deliverCloudEvent = (functionName: string, event: Record<string, unknown>) =>
  host.raw('POST', `/runtime/webhooks/eventgrid?functionName=${functionName}&code=${securityKeys.master}`, { 'content-type': 'application/cloudevents+json', 'aeg-event-type': 'Notification' }, JSON.stringify(event));
const warmsRequested = async (clusterId: string) => (await host.events(clusterId)).filter((e: Json) => e.type === 'RedisClusterManager.Warm.Requested');

describe('attack: forged deliveries to the warming subscribers', () => {
  it('a forged Keys.Invalidated starts no warm (no recorded copy), with or without a stream version; the drop is logged', async () => {
    const versions = (await host.events('warmsubs')).map((e: Json) => e.version as number);
    const forged = (streamversion?: number) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: '/redis-cluster-manager',
      type: 'RedisClusterManager.Keys.Invalidated',
      subject: 'clusters/warmsubs/namespaces/rewarmed',
      time: new Date().toISOString(),
      data: { clusterId: 'warmsubs', namespace: 'rewarmed', pattern: 'sec-warm:rewarmed:*', jobId: 'invalidate-forged-1', deletedCount: 1, scannedCount: 1, completedAt: new Date().toISOString() },
      ...(streamversion !== undefined ? { streamversion } : {}),
    });
    expect((await deliverCloudEvent('warmOnInvalidation', forged())).status).toBe(202);
    // A version that exists in the stream, but holds another event (the namespace's registration).
    expect((await deliverCloudEvent('warmOnInvalidation', forged(Math.max(...versions)))).status).toBe(202);
    const dropped = () => (host.proc.output().match(/warmOnInvalidation: event \S+ is not recorded in the stream of cluster 'warmsubs'; ignored/g) ?? []).length;
    await until('the subscriber to decide', async () => (dropped() >= 2 || (await warmsRequested('warmsubs')).length > 0 ? true : undefined));
    expect(await warmsRequested('warmsubs')).toEqual([]);
    expect(dropped()).toBe(2);
  });

  it('Azure maintenance events for a cache of the same name elsewhere, or a longer name, warm nothing; the exact id (any case) does', async () => {
    const deliver = (topic: string, data: Record<string, unknown> = { name: 'PatchingCompleted', status: 'Succeeded' }) => {
      const event = { id: randomUUID(), eventType: 'Microsoft.Cache.PatchingCompleted', subject: 'PatchingCompleted', topic, eventTime: new Date().toISOString(), dataVersion: '1.0', data };
      return host.raw('POST', `/runtime/webhooks/eventgrid?functionName=warmOnAzureMaintenance&code=${securityKeys.master}`, { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, JSON.stringify([event]));
    };
    for (const topic of [`${cacheGroup('rg-other')}/prod`, `${cacheGroup('rg')}/prod-eu`]) expect((await deliver(topic)).status).toBe(202);
    expect((await deliver(`${cacheGroup('rg')}/other`, { name: 'prod', status: 'Succeeded' })).status).toBe(202);
    expect(await warmsRequested('azprod')).toEqual([]);
    expect((await deliver(`${cacheGroup('rg')}/prod`.toUpperCase())).status).toBe(202);
    const warms = await until('the exact id to start a warm', async () => ((await warmsRequested('azprod')).length > 0 ? warmsRequested('azprod') : undefined));
    expect(warms.map((e: Json) => e.data)).toEqual([expect.objectContaining({ namespace: 'items', reason: 'azure-maintenance' })]);
  });
});
