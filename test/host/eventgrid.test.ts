import { AzureKeyCredential, EventGridPublisherClient } from '@azure/eventgrid';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../tools/host/index';
import { fixtureApp, probe, waitFor, yearly } from './helpers';

let host: RunningHost;
const logs: string[] = [];
const deadLetterDir = mkdtempSync(join(tmpdir(), 'host-deadletter-'));
const eventGridKey = 'eventgrid-system-key';
let seq = 0;
const newId = () => `evt-${process.pid}-${++seq}`;

beforeAll(async () => {
  host = await startHost({
    appDir: fixtureApp,
    settings: { TICK_SCHEDULE: yearly },
    keys: { eventGridKey },
    delivery: { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 80, deadLetterDir },
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await host?.stop();
});

function webhook(functionName: string, body: unknown, headers: Record<string, string> = {}, code = eventGridKey) {
  return fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=${functionName}&code=${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const gridEvent = (id: string, data: unknown = {}) => ({
  id,
  eventType: 'Test.Happened',
  subject: 'tests/host',
  eventTime: new Date().toISOString(),
  dataVersion: '1.0',
  data,
});
const cloudEvent = (id: string, data: unknown = {}) => ({
  specversion: '1.0',
  id,
  type: 'Test.Happened',
  source: '/tests/host',
  time: new Date().toISOString(),
  data,
});
/** The SDK refuses http:// unless told; the local topic is plain HTTP on loopback. */
function publisher<T extends 'CloudEvent' | 'EventGrid'>(endpoint: string, schema: T, key: string) {
  return new EventGridPublisherClient(endpoint, schema, new AzureKeyCredential(key), { allowInsecureConnection: true });
}
const seen = async (id: string) => (await probe(host.url)).events.filter((e) => e.id === id);

describe('Event Grid webhook', () => {
  it('answers the subscription validation handshake', async () => {
    const res = await webhook('onEvent', [{ ...gridEvent(newId(), { validationCode: 'abc-123' }), eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent' }], {
      'aeg-event-type': 'SubscriptionValidation',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ validationResponse: 'abc-123' });
  });

  it('answers the CloudEvents abuse-protection OPTIONS handshake', async () => {
    const res = await fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=onEvent&code=${eventGridKey}`, {
      method: 'OPTIONS',
      headers: { 'WebHook-Request-Origin': 'eventemitter.example.com' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('webhook-allowed-origin')).toBe('eventemitter.example.com');
  });

  it('invokes the function once per event and answers 202', async () => {
    const ids = [newId(), newId(), newId()];
    const res = await webhook('onEvent', ids.map((id) => gridEvent(id)));
    expect(res.status).toBe(202);
    for (const id of ids) expect(await seen(id)).toHaveLength(1);
  });

  it('accepts a single structured CloudEvent and a CloudEvents batch', async () => {
    const single = newId();
    expect((await webhook('onEvent', cloudEvent(single), { 'content-type': 'application/cloudevents+json' })).status).toBe(202);
    const batch = [newId(), newId()];
    expect((await webhook('onEvent', batch.map((id) => cloudEvent(id)), { 'content-type': 'application/cloudevents-batch+json' })).status).toBe(202);
    for (const id of [single, ...batch]) expect((await seen(id))[0]?.type).toBe('Test.Happened');
  });

  it('answers 500 when any event fails, still invoking the others', async () => {
    const ok = newId();
    const bad = newId();
    const res = await webhook('onEvent', [gridEvent(bad, { alwaysFail: true }), gridEvent(ok)]);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { failed: { eventId: string; invocationId: string }[] };
    expect(body.failed.map((f) => f.eventId)).toEqual([bad]);
    expect(await seen(ok)).toHaveLength(1);
  });

  it('answers 400 naming what is wrong with a malformed body', async () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /not valid JSON/],
      ['"just a string"', /array of events/],
      [[], /no events/],
      [[42], /event\[0\] is not a JSON object/],
      [[{ id: 'x', eventType: 't', eventTime: new Date().toISOString() }], /event\[0\] is missing required property 'subject'/],
      [[cloudEvent('a'), { ...cloudEvent('b'), source: undefined }], /event\[1\] is missing required property 'source'/],
    ];
    for (const [body, message] of cases) {
      const res = await webhook('onEvent', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(message);
    }
  });

  it('answers 404 for an unknown function or one that is not an Event Grid trigger', async () => {
    expect((await webhook('noSuchFunction', [gridEvent(newId())])).status).toBe(404);
    expect((await webhook('hello', [gridEvent(newId())])).status).toBe(404);
  });

  it('requires the eventgrid_extension system key when one is configured', async () => {
    expect((await webhook('onEvent', [gridEvent(newId())], {}, 'wrong')).status).toBe(401);
  });

  it('acknowledges Unsubscribe without invoking', async () => {
    const id = newId();
    expect((await webhook('onEvent', [gridEvent(id)], { 'aeg-event-type': 'Unsubscribe' })).status).toBe(202);
    expect(await seen(id)).toHaveLength(0);
  });
});

describe('local topic endpoints', () => {
  it('delivers a CloudEvent published with the real EventGridPublisherClient to the subscribed function', async () => {
    const client = publisher(host.topic.endpoint, 'CloudEvent', host.topic.key);
    const id = newId();
    await client.send([{ id, type: 'Test.Happened', source: '/tests/sdk', data: { hello: 'world' } }]);
    await host.deliveriesIdle();
    const events = await seen(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ fn: 'onEvent', type: 'Test.Happened', data: { hello: 'world' } });
  });

  it('needs allowInsecureConnection: the SDK will not send to an http:// endpoint otherwise', async () => {
    const client = new EventGridPublisherClient(host.topic.endpoint, 'CloudEvent', new AzureKeyCredential(host.topic.key));
    await expect(client.send([{ type: 'Test.Happened', source: '/tests/sdk', data: {} }])).rejects.toThrow(/allowInsecureConnection/);
  });

  it('rejects a wrong key with 401, surfaced by the SDK as a RestError', async () => {
    const client = publisher(host.topic.endpoint, 'CloudEvent', 'wrong-key');
    await expect(client.send([{ type: 'Test.Happened', source: '/tests/sdk', data: {} }])).rejects.toMatchObject({ statusCode: 401 });
  });

  it('delivers Event Grid schema events on the redis topic by event type only', async () => {
    const client = publisher(host.redisTopic.endpoint, 'EventGrid', host.redisTopic.key);
    const wanted = newId();
    const ignored = newId();
    await client.send([
      { id: wanted, eventType: 'Microsoft.Cache.PatchingCompleted', subject: '/subscriptions/x/redis/cache1', dataVersion: '1.0', data: { name: 'cache1' } },
      { id: ignored, eventType: 'Microsoft.Cache.ExportRDBCompleted', subject: '/subscriptions/x/redis/cache1', dataVersion: '1.0', data: {} },
    ]);
    await host.deliveriesIdle();
    expect(await seen(wanted)).toEqual([expect.objectContaining({ fn: 'onCacheEvent', data: { name: 'cache1' } })]);
    expect(await seen(ignored)).toHaveLength(0);
  });

  it('refuses the wrong schema for a topic', async () => {
    const client = publisher(host.topic.endpoint, 'EventGrid', host.topic.key);
    await expect(
      client.send([{ eventType: 'Test.Happened', subject: 's', dataVersion: '1.0', data: {} }]),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('retries a failing delivery with backoff until it succeeds', async () => {
    const client = publisher(host.topic.endpoint, 'CloudEvent', host.topic.key);
    const id = newId();
    await client.send([{ id, type: 'Test.Happened', source: '/tests/sdk', data: { failTimes: 2 } }]);
    await host.deliveriesIdle();
    expect((await seen(id)).map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(host.deadLetters().some((d) => (d as { event: { id: string } }).event.id === id)).toBe(false);
  });

  it('dead-letters an event after the attempts run out, in memory and as NDJSON', async () => {
    const client = publisher(host.topic.endpoint, 'CloudEvent', host.topic.key);
    const id = newId();
    const started = Date.now();
    await client.send([{ id, type: 'Test.Happened', source: '/tests/sdk', data: { alwaysFail: true } }]);
    await host.deliveriesIdle();
    expect(await seen(id)).toHaveLength(4);
    // Backoff 20 + 40 + 80 ms between the four attempts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const letter = host.deadLetters().find((d) => (d as { event: { id: string } }).event.id === id);
    expect(letter).toMatchObject({ subscription: 'on-test-events', deadLetterReason: 'MaxDeliveryAttemptsExceeded', deliveryAttempts: 4, lastHttpStatusCode: 500 });
    const lines = readFileSync(join(deadLetterDir, 'on-test-events.ndjson'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { event: { id: string } }).event.id)).toContain(id);
  });

  it('dead-letters events for a subscription whose function is missing, honouring its maxDeliveryAttempts', async () => {
    expect(logs.some((l) => l.includes('[Warning]') && l.includes("'to-missing-function'") && l.includes('not registered'))).toBe(true);
    expect(logs.some((l) => l.includes('[Warning]') && l.includes("'to-http-function'") && l.includes('not an Event Grid trigger'))).toBe(true);
    const client = publisher(host.topic.endpoint, 'CloudEvent', host.topic.key);
    const id = newId();
    await client.send([{ id, type: 'Test.Orphaned', source: '/tests/sdk', data: {} }]);
    await host.deliveriesIdle();
    const letter = host.deadLetters().find((d) => (d as { event: { id: string } }).event.id === id);
    expect(letter).toMatchObject({ subscription: 'to-missing-function', deliveryAttempts: 2, lastHttpStatusCode: 404 });
  });

  it('answers a raw publish without api-version or with a bad body with Event Grid errors', async () => {
    const noVersion = await fetch(host.topic.endpoint, {
      method: 'POST',
      headers: { 'aeg-sas-key': host.topic.key, 'content-type': 'application/cloudevents-batch+json' },
      body: '[]',
    });
    expect(noVersion.status).toBe(400);
    const bad = await fetch(`${host.topic.endpoint}?api-version=2018-01-01`, {
      method: 'POST',
      headers: { 'aeg-sas-key': host.topic.key, 'content-type': 'application/cloudevents-batch+json' },
      body: '[{"specversion":"1.0","id":"x","type":"t"}]',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'BadRequest', message: "event[0] is missing required property 'source'" } });
  });
});

describe('admin API on an Event Grid function', () => {
  it('runs the function with the admin input as the event', async () => {
    const id = newId();
    const res = await fetch(`${host.url}/admin/functions/onEvent`, {
      method: 'POST',
      headers: { 'x-functions-key': host.keys.masterKey, 'content-type': 'application/json' },
      body: JSON.stringify({ input: JSON.stringify(gridEvent(id)) }),
    });
    expect(res.status).toBe(202);
    await waitFor(async () => ((await seen(id)).length === 1 ? true : undefined));
  });
});
