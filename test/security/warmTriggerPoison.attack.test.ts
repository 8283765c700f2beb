import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueTableName } from '../helpers/storage';
import { startSecurityHost, type Json, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// A caller with only the Event Grid webhook key sends Azure maintenance events whose id is too long to be stored as
// an event's correlation id (> 32K characters, Table storage's limit per property). Before, such an event took the
// per-namespace cap, created its warm job, failed to record it (500) and gave the cap back with its job queued: each
// one was another warm (4 such events and 1 normal one -> 5 warm jobs).
const resourceId = '/subscriptions/00000000-0000-0000-0000-0000000000c5/resourceGroups/rg/providers/Microsoft.Cache/Redis/poison';
let a: SecurityHost;
let source: Server;
/** The warm source never answers: the first warm stays running while the events arrive. */
const held: ServerResponse[] = [];

beforeAll(async () => {
  source = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    held.push(res);
  });
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
  a = await startSecurityHost({ STATE_TABLE_PREFIX: uniqueTableName('poison'), WARM_HTTP_ALLOWED_HOSTS: '127.0.0.1' });
  const { host, port } = inject('redisStandalone');
  const cluster = await a.setup('PUT', '/api/clusters/poison', { body: { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' }, azureResourceId: resourceId } });
  expect(cluster.status, cluster.text).toBe(201);
  const url = `http://127.0.0.1:${(source.address() as AddressInfo).port}/items.ndjson`;
  const plan = { source: { kind: 'http', url, allowPrivateNetworks: true }, mapping: { key: 'sec-poison:items:{id}', value: 'value' } };
  const ns = await a.setup('PUT', '/api/clusters/poison/namespaces/items', { body: { keyPattern: 'sec-poison:items:*', warmPlan: plan } });
  expect(ns.status, ns.text).toBe(201);
}, 120_000);
afterAll(async () => {
  for (const res of held) res.destroy();
  await a?.stop();
  source?.close();
});

const deliver = (id: string) => {
  const event = { id, eventType: 'Microsoft.Cache.PatchingCompleted', subject: 'PatchingCompleted', topic: resourceId, eventTime: new Date().toISOString(), dataVersion: '1.0', data: { name: 'poison', status: 'Succeeded' } };
  return a.raw('POST', `/runtime/webhooks/eventgrid?functionName=warmOnAzureMaintenance&code=${securityKeys.master}`, { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, JSON.stringify([event]));
};

describe('attack: Azure maintenance events with oversized ids', () => {
  it('are refused and acknowledged (no job, no redelivery); the cap still allows exactly one warm', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await deliver(`${randomUUID()}-${'x'.repeat(40_000)}`)).status);
    statuses.push((await deliver(`${randomUUID()}-${'y'.repeat(257 - 37)}`)).status); // one over the bound: 257 characters
    expect(statuses).toEqual(Array(5).fill(202));
    expect((await a.api('GET', '/api/clusters/poison/jobs', { as: 'reader' })).json.items).toEqual([]);

    const normal = randomUUID();
    expect((await deliver(normal)).status).toBe(202);
    expect((await deliver(randomUUID())).status).toBe(202); // coalesced into the first
    const jobs = (await a.api('GET', '/api/clusters/poison/jobs', { as: 'reader' })).json.items as Json[];
    expect(jobs).toHaveLength(1);
    const requested = (await a.events('poison')).filter((e: Json) => e.type === 'RedisClusterManager.Warm.Requested');
    expect(requested.map((e: Json) => e.data)).toEqual([expect.objectContaining({ jobId: jobs[0].id, causationId: normal })]);
  }, 120_000);
});
