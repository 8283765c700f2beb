import { afterAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../shared/platform/auth/Principal';
import { parseCloudEvent } from '../../shared/platform/events/cloudEventSchema';
import { EventInProgressError } from '../../shared/platform/events/EventDeduper';
import { eventGridPublisher } from '../../shared/platform/events/EventPublisher';
import { relayOutbox } from '../../shared/platform/store/relayOutbox';
import { sampleCluster, samplePolicy, testControlPlane } from './api';
import { TopicReceiver } from './topicReceiver';

const change = { principal: systemPrincipal, correlationId: 'outbox-test' };
const receiver = new TopicReceiver('topic-key-for-tests');
afterAll(() => receiver.stop());

describe('outbox and relay', () => {
  it('keeps admin changes working while Event Grid is down and delivers every event once it is back', async () => {
    // Reserve a port, then stop: the topic is "down" at a known address.
    await receiver.start();
    await receiver.stop();
    const publisher = eventGridPublisher({ EVENTGRID_TOPIC_ENDPOINT: receiver.endpoint, EVENTGRID_TOPIC_KEY: receiver.key }, { timeoutMs: 2000 });
    const cp = await testControlPlane({ publisher, log: { warn: (...a) => console.warn(...a), error: (...a) => console.error(...a) } });

    await cp.clusters.put('down-a', sampleCluster as never, change);
    await cp.namespaces.put('down-a', 'users', samplePolicy, change);
    await cp.clusters.put('down-b', sampleCluster as never, change);
    await cp.clusters.remove('down-b', change);
    expect((await cp.clusters.get('down-a')).id).toBe('down-a');
    expect(await cp.outbox.pending()).toHaveLength(4);
    expect(await relayOutbox(cp)).toMatchObject({ published: 0, pending: 4 });

    await receiver.start();
    expect(await relayOutbox(cp)).toMatchObject({ published: 4, pending: 0 });
    const stored = [...(await cp.store.read('cluster-down-a')), ...(await cp.store.read('cluster-down-b'))];
    expect(receiver.received.map((e) => e['id']).sort()).toEqual(stored.map((e) => e.id).sort());
    // What arrives is a valid CloudEvent of the catalogue, with who and which version.
    for (const raw of receiver.received) expect(parseCloudEvent(raw).ok).toBe(true);
    expect(receiver.received[0]).toMatchObject({ specversion: '1.0', source: '/redis-cluster-manager', principal: 'redis-cluster-manager', correlationid: 'outbox-test' });

    // With the topic up, a change is published at once and nothing stays pending.
    await cp.namespaces.put('down-a', 'carts', samplePolicy, change);
    expect(receiver.received).toHaveLength(5);
    expect(await cp.outbox.pending()).toHaveLength(0);
    expect(await relayOutbox(cp)).toMatchObject({ published: 0, pending: 0 });
  });
});

describe('idempotent subscriber helper', () => {
  it('applies each event id once across duplicate deliveries, and again after a failed attempt', async () => {
    const cp = await testControlPlane();
    const applied = new Map<string, number>();
    const apply = (id: string) => async () => {
      applied.set(id, (applied.get(id) ?? 0) + 1);
    };
    const ids = ['evt-1', 'evt-2', 'evt/3?#odd'];
    const deliveries = [...ids, ...ids, 'evt-1'];
    const outcomes = await Promise.all(deliveries.map((id) => cp.dedupe.once('warm', id, apply(id)).catch((e: unknown) => (e instanceof EventInProgressError ? 'in-progress' : Promise.reject(e)))));
    for (const id of ids) expect(applied.get(id)).toBe(1);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(3);
    // Another consumer keeps its own record.
    expect(await cp.dedupe.once('monitor', 'evt-1', apply('monitor:evt-1'))).toBe('applied');
    // A handler that fails does not mark the event: the redelivery applies it.
    await expect(cp.dedupe.once('warm', 'evt-4', async () => { throw new Error('redis down'); })).rejects.toThrow('redis down');
    expect(await cp.dedupe.once('warm', 'evt-4', apply('evt-4'))).toBe('applied');
    expect(await cp.dedupe.once('warm', 'evt-4', apply('evt-4'))).toBe('duplicate');
    expect(applied.get('evt-4')).toBe(1);
  });

  it('forgets ids after the TTL (bounded memory) and purges them', async () => {
    const cp = await testControlPlane({ settings: { EVENT_DEDUPE_TTL_SECONDS: 60 } });
    const short = new (cp.dedupe.constructor as typeof import('../../shared/platform/events/EventDeduper').EventDeduper)(cp.dedupe.table, { ttlSeconds: 0.2 });
    let count = 0;
    await short.once('warm', 'evt-ttl', async () => void (count += 1));
    expect(await short.once('warm', 'evt-ttl', async () => void (count += 1))).toBe('duplicate');
    await new Promise((r) => setTimeout(r, 400));
    expect(await short.purgeExpired()).toBe(1);
    expect(await short.once('warm', 'evt-ttl', async () => void (count += 1))).toBe('applied');
    expect(count).toBe(2);
  });
});
