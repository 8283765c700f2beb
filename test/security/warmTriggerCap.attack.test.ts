import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueTableName } from '../helpers/storage';
import { startSecurityHost, until, type Json, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// A caller with only the Event Grid webhook key sends Azure maintenance events with fresh ids for one cache. Two host
// instances share the state tables (the Functions host scales out): the cap must hold across them, not per process.
const coolDownSeconds = 6;
const resourceId = '/subscriptions/00000000-0000-0000-0000-0000000000c4/resourceGroups/rg/providers/Microsoft.Cache/Redis/capped';
let a: SecurityHost;
let b: SecurityHost;
let source: Server;
/** Responses of the warm source held open until released: the first warm stays running while the burst arrives. */
const held: ServerResponse[] = [];
let holding = true;
const records = Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: i, value: `v${i}` })).join('\n') + '\n';

beforeAll(async () => {
  source = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    if (holding) held.push(res);
    else res.end(records);
  });
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
  const settings = { STATE_TABLE_PREFIX: uniqueTableName('cap'), WARM_HTTP_ALLOWED_HOSTS: '127.0.0.1', WARM_TRIGGER_COOLDOWN_SECONDS: String(coolDownSeconds) };
  [a, b] = await Promise.all([startSecurityHost(settings), startSecurityHost(settings)]);
  const { host, port } = inject('redisStandalone');
  const cluster = await a.setup('PUT', '/api/clusters/capped', { body: { mode: 'standalone', endpoints: [{ host, port }], secretRef: { kind: 'none' }, azureResourceId: resourceId } });
  expect(cluster.status, cluster.text).toBe(201);
  const url = `http://127.0.0.1:${(source.address() as AddressInfo).port}/items.ndjson`;
  const plan = { source: { kind: 'http', url, allowPrivateNetworks: true }, mapping: { key: 'sec-cap:items:{id}', value: 'value' } };
  const ns = await a.setup('PUT', '/api/clusters/capped/namespaces/items', { body: { keyPattern: 'sec-cap:items:*', warmPlan: plan } });
  expect(ns.status, ns.text).toBe(201);
}, 120_000);
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([a?.stop(), b?.stop()]);
  source?.close();
});

const deliver = (host: SecurityHost, id = randomUUID()) => {
  const event = { id, eventType: 'Microsoft.Cache.PatchingCompleted', subject: 'PatchingCompleted', topic: resourceId, eventTime: new Date().toISOString(), dataVersion: '1.0', data: { name: 'capped', status: 'Succeeded' } };
  return host.raw('POST', `/runtime/webhooks/eventgrid?functionName=warmOnAzureMaintenance&code=${securityKeys.master}`, { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, JSON.stringify([event]));
};
const ofType = async (type: string) => (await a.events('capped')).filter((e: Json) => e.type === `RedisClusterManager.Warm.${type}`);
const job = async (id: string) => (await a.api('GET', `/api/jobs/${id}`, { as: 'reader' })).json;

describe('attack: a flood of Azure maintenance events for one cache', () => {
  let first: string;

  it('20 events with fresh ids (6 in a row, 14 at once on two instances) start exactly one warm; the others are coalesced into it and acknowledged', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const statuses: number[] = [];
    for (const id of ids.slice(0, 6)) statuses.push((await deliver(a, id)).status);
    statuses.push(...(await Promise.all(ids.slice(6).map((id, i) => deliver(i % 2 ? a : b, id)))).map((r) => r.status));
    expect(statuses).toEqual(Array(20).fill(202));

    const requested = await ofType('Requested');
    expect(requested.map((e: Json) => e.data)).toEqual([expect.objectContaining({ namespace: 'items', reason: 'azure-maintenance' })]);
    first = requested[0].data.jobId as string;
    expect(ids).toContain(requested[0].data.causationId);
    expect((await job(first)).status).toMatch(/^(queued|running)$/);
    const jobs = (await a.api('GET', '/api/clusters/capped/jobs', { as: 'reader' })).json.items as Json[];
    expect(jobs.map((j) => j.id)).toEqual([first]);

    // The first 10 coalesced events are in the audit log, each naming its event and the job it was folded into.
    const coalesced = (await ofType('TriggerCoalesced')).map((e: Json) => e.data);
    expect(coalesced).toHaveLength(10);
    for (const c of coalesced) expect(c).toMatchObject({ clusterId: 'capped', namespace: 'items', jobId: first, reason: 'in-flight', eventType: 'Microsoft.Cache.PatchingCompleted' });
    expect(coalesced.map((c: Json) => c.coalesced).sort((x: number, y: number) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(coalesced.map((c: Json) => c.causationId)).size).toBe(10);
    for (const c of coalesced) expect(ids.filter((id) => id !== requested[0].data.causationId)).toContain(c.causationId);
  }, 120_000);

  it('within the cool-down after that warm finished an event is coalesced too; a manual warm still starts; after it a new event starts a new warm', async () => {
    holding = false;
    for (const res of held.splice(0)) res.end(records);
    const done = await until('the first warm to finish', async () => {
      const view = await job(first);
      return view.status === 'queued' || view.status === 'running' ? undefined : view;
    });
    expect(done.status).toBe('succeeded');

    expect((await deliver(b)).status).toBe(202);
    const coolingAt = Date.now();
    const coalesced = (await ofType('TriggerCoalesced')).at(-1).data;
    expect(coolingAt - Date.parse(done.finishedAt as string), 'the event arrived within the cool-down').toBeLessThan(coolDownSeconds * 1000);
    expect(coalesced).toMatchObject({ jobId: first, reason: 'cool-down', coalesced: 20 }); // 19 of the burst, then this one
    expect(await ofType('Requested')).toHaveLength(1);

    const manual = await a.api('POST', '/api/clusters/capped/warm', { as: 'operator', body: { namespace: 'items' } });
    expect(manual.status, manual.text).toBe(202);
    expect(manual.json.jobId).not.toBe(first);
    expect((await ofType('Requested')).map((e: Json) => e.data.reason)).toEqual(['azure-maintenance', 'manual']);

    await new Promise((r) => setTimeout(r, Date.parse(done.finishedAt as string) + coolDownSeconds * 1000 + 500 - Date.now()));
    expect((await deliver(a)).status).toBe(202);
    const requested = await ofType('Requested');
    expect(requested.map((e: Json) => e.data.reason)).toEqual(['azure-maintenance', 'manual', 'azure-maintenance']);
    expect(requested[2].data.jobId).not.toBe(first);
  }, 120_000);
});
