import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueTableName } from '../helpers/storage';
import { startSecurityHost, until, type Json, type SecurityHost } from './securityHost';
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

// A typo in the event-trigger setting must not take every warm down with it: manual and scheduled warms neither take
// nor wait for the trigger cap, so only maintenance events may refuse to run (with the setting named).
describe('WARM_TRIGGER_COOLDOWN_SECONDS invalid', () => {
  let bad: SecurityHost;
  let file: Server;
  beforeAll(async () => {
    file = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end([1, 2, 3].map((id) => JSON.stringify({ id, value: `v${id}` })).join('\n') + '\n');
    });
    await new Promise<void>((resolve) => file.listen(0, '127.0.0.1', resolve));
    bad = await startSecurityHost({ STATE_TABLE_PREFIX: uniqueTableName('badcool'), WARM_HTTP_ALLOWED_HOSTS: '127.0.0.1', WARM_TRIGGER_COOLDOWN_SECONDS: '5m' });
    const { host, port } = inject('redisStandalone');
    expect((await bad.setup('PUT', '/api/clusters/badcool', { body: { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' }, azureResourceId: `${resourceId}-bad` } })).status).toBe(201);
    const url = `http://127.0.0.1:${(file.address() as AddressInfo).port}/items.ndjson`;
    const plan = { source: { kind: 'http', url, allowPrivateNetworks: true }, mapping: { key: 'sec-badcool:items:{id}', value: 'value' } };
    expect((await bad.setup('PUT', '/api/clusters/badcool/namespaces/items', { body: { keyPattern: 'sec-badcool:items:*', warmPlan: plan } })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await bad?.stop();
    file?.close();
  });

  it('a manual warm still runs to the end; a maintenance event fails (redelivered) naming the setting', async () => {
    const manual = await bad.api('POST', '/api/clusters/badcool/warm', { as: 'operator', body: { namespace: 'items' } });
    expect(manual.status, manual.text).toBe(202);
    const done = await until('the manual warm to finish', async () => {
      const view = (await bad.api('GET', `/api/jobs/${manual.json.jobId}`, { as: 'reader' })).json;
      return view.status === 'queued' || view.status === 'running' ? undefined : view;
    });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.progress.written).toBe(3);

    const event = { id: randomUUID(), eventType: 'Microsoft.Cache.PatchingCompleted', subject: 'PatchingCompleted', topic: `${resourceId}-bad`, eventTime: new Date().toISOString(), dataVersion: '1.0', data: { status: 'Succeeded' } };
    const delivered = await bad.raw('POST', `/runtime/webhooks/eventgrid?functionName=warmOnAzureMaintenance&code=${securityKeys.master}`, { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, JSON.stringify([event]));
    expect(delivered.status).toBe(500);
    expect(bad.proc.output()).toContain("setting 'WARM_TRIGGER_COOLDOWN_SECONDS'");
  }, 60_000);
});
