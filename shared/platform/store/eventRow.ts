import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { principalSchema, type Principal } from '../auth/Principal';
import { validateEventData, type DomainEvent } from '../events/catalogue';
import { EventStoreCorruptionError } from './EventStoreCorruptionError';
import { jsonFromChunks, jsonToChunks } from './jsonChunks';
import type { StoredEvent } from './StoredEvent';
import { eventRowKey } from './streamId';

const eventRowSchema = z.looseObject({
  partitionKey: z.string(),
  rowKey: z.string().regex(/^e-\d{10}$/),
  eventId: z.uuid(),
  type: z.string(),
  version: z.int().min(1),
  time: z.iso.datetime(),
  principal: z.string(),
  correlationId: z.string().max(128),
  traceparent: z.string().max(512).optional(),
});

/** Builds the entity for one event; validates `data` against the catalogue first so nothing invalid is ever stored. */
export function toEventRow(
  streamId: string,
  version: number,
  event: DomainEvent,
  meta: { principal: Principal; correlationId: string; time: string; traceparent?: string | undefined },
): { entity: Record<string, unknown> & { partitionKey: string; rowKey: string }; stored: StoredEvent } {
  const checked = validateEventData(event.type, event.data);
  if (!checked.ok) throw new Error(`refusing to append an invalid ${event.type}: ${checked.problem}`);
  const { traceparent, ...who } = meta;
  const stored = { ...checked.event, id: randomUUID(), streamId, version, ...who, ...(traceparent ? { traceparent } : {}) } as StoredEvent;
  const entity = {
    partitionKey: streamId,
    rowKey: eventRowKey(version),
    eventId: stored.id,
    type: stored.type,
    version,
    time: meta.time,
    principal: JSON.stringify(meta.principal),
    correlationId: meta.correlationId,
    ...(traceparent ? { traceparent } : {}),
    ...jsonToChunks('data', stored.data),
  };
  return { entity, stored };
}

/** Parses a stored row back into a typed event; any mismatch is corruption, reported with row and field. */
export function fromEventRow(entity: Record<string, unknown>): StoredEvent {
  const where = `event row ${String(entity['partitionKey'])}/${String(entity['rowKey'])}`;
  const row = eventRowSchema.safeParse(entity);
  if (!row.success) {
    const issue = row.error.issues[0];
    throw new EventStoreCorruptionError(`${where} is invalid: '${issue?.path.join('.') ?? ''}' ${issue?.message ?? ''}`);
  }
  if (row.data.rowKey !== eventRowKey(row.data.version)) throw new EventStoreCorruptionError(`${where} is invalid: 'version' ${row.data.version} does not match its row key`);
  let data: unknown;
  let principal: unknown;
  try {
    data = jsonFromChunks('data', entity);
    principal = JSON.parse(row.data.principal);
  } catch (error) {
    throw new EventStoreCorruptionError(`${where} is invalid: ${error instanceof Error ? error.message : 'unreadable'}`);
  }
  const parsedPrincipal = principalSchema.safeParse(principal);
  if (!parsedPrincipal.success) throw new EventStoreCorruptionError(`${where} is invalid: 'principal' ${parsedPrincipal.error.issues[0]?.message ?? ''}`);
  const checked = validateEventData(row.data.type, data);
  if (!checked.ok) throw new EventStoreCorruptionError(`${where} (${row.data.type}) is invalid: '${checked.problem}'`);
  return {
    ...checked.event,
    id: row.data.eventId,
    streamId: row.data.partitionKey,
    version: row.data.version,
    time: row.data.time,
    principal: parsedPrincipal.data,
    correlationId: row.data.correlationId,
    ...(row.data.traceparent ? { traceparent: row.data.traceparent } : {}),
  } as StoredEvent;
}
