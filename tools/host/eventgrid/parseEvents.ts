/** An event in either schema the Event Grid trigger accepts, kept as the JSON it arrived as. */
export type GridEvent = Record<string, unknown>;
export type EventSchema = 'EventGrid' | 'CloudEvent';

export type ParsedEvents =
  | { ok: true; schema: EventSchema; events: GridEvent[] }
  | { ok: false; message: string };

const required: Record<EventSchema, string[]> = {
  EventGrid: ['id', 'eventType', 'subject', 'eventTime'],
  CloudEvent: ['specversion', 'id', 'source', 'type'],
};

function schemaOf(event: GridEvent): EventSchema {
  return 'specversion' in event ? 'CloudEvent' : 'EventGrid';
}

/**
 * Parses a delivery or publish body: an Event Grid schema array, a CloudEvents batch array, or one
 * structured CloudEvent. Every event must be an object with the required properties of its schema,
 * and one body holds one schema. Messages name the offending event and property.
 */
export function parseEvents(body: Buffer, options: { allowSingle: boolean }): ParsedEvents {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, message: 'request body is not valid JSON' };
  }
  let list: unknown[];
  if (Array.isArray(parsed)) list = parsed;
  else if (options.allowSingle && parsed !== null && typeof parsed === 'object') list = [parsed];
  else return { ok: false, message: 'request body must be a JSON array of events' };
  if (list.length === 0) return { ok: false, message: 'request body holds no events' };

  const events: GridEvent[] = [];
  let schema: EventSchema | undefined;
  for (const [index, item] of list.entries()) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { ok: false, message: `event[${index}] is not a JSON object` };
    }
    const event = item as GridEvent;
    const eventSchema = schemaOf(event);
    schema ??= eventSchema;
    if (eventSchema !== schema) return { ok: false, message: `event[${index}] mixes ${eventSchema} with ${schema} events` };
    for (const property of required[eventSchema]) {
      const value = event[property];
      if (typeof value !== 'string' || value === '') {
        return { ok: false, message: `event[${index}] is missing required property '${property}'` };
      }
    }
    if (eventSchema === 'CloudEvent' && event.specversion !== '1.0') {
      return { ok: false, message: `event[${index}] has specversion '${String(event.specversion)}'; only '1.0' is supported` };
    }
    events.push(event);
  }
  return { ok: true, schema: schema ?? 'EventGrid', events };
}

export function eventId(event: GridEvent): string {
  return typeof event.id === 'string' ? event.id : '?';
}

export function eventType(event: GridEvent): string {
  const type = event.type ?? event.eventType;
  return typeof type === 'string' ? type : '';
}
