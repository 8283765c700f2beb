import type { HostRequest, HostResponse } from '../core/hostTypes.js';
import { sameKey } from '../http/keys.js';
import type { EventDelivery } from './eventDelivery.js';
import { parseEvents, type EventSchema } from './parseEvents.js';

export interface LocalTopic {
  source: 'topic' | 'redis';
  path: string;
  schema: EventSchema;
  key: string;
}

/** Event Grid's own error shape, so the SDK surfaces code and message as it would against Azure. */
function gridError(status: number, code: string, message: string): HostResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/** The topic's key check, also run before the body is read (an unauthenticated batch is never buffered). */
export function checkTopicKey(req: Pick<HostRequest, 'headers'>, topic: LocalTopic): HostResponse | undefined {
  return sameKey(req.headers['aeg-sas-key'], topic.key) ? undefined : gridError(401, 'Unauthorized', "the request needs a valid 'aeg-sas-key' header");
}

const maxBatchBytes = 1024 * 1024;

/**
 * A local stand-in for an Event Grid topic's publish endpoint (`POST .../api/events?api-version=...`,
 * `aeg-sas-key`). It answers 200 once the batch is accepted and delivers afterwards, as Event Grid does.
 */
export function handleTopicPublish(req: HostRequest, topic: LocalTopic, delivery: EventDelivery): HostResponse {
  if (req.method !== 'POST') return { ...gridError(405, 'MethodNotAllowed', `${req.method} is not supported`), headers: { allow: 'POST' } };
  if (!req.url.searchParams.get('api-version')) {
    return gridError(400, 'BadRequest', "query parameter 'api-version' is required");
  }
  const refused = checkTopicKey(req, topic);
  if (refused) return refused;
  if (req.body.length > maxBatchBytes) return gridError(413, 'RequestEntityTooLarge', 'a batch may hold at most 1 MB');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const allowed =
    topic.schema === 'CloudEvent'
      ? ['application/cloudevents-batch+json', 'application/cloudevents+json']
      : ['application/json'];
  if (!allowed.includes(contentType)) {
    return gridError(400, 'BadRequest', `content-type must be ${allowed.join(' or ')} for this topic`);
  }
  const parsed = parseEvents(req.body, { allowSingle: contentType === 'application/cloudevents+json' });
  if (!parsed.ok) return gridError(400, 'BadRequest', parsed.message);
  if (parsed.schema !== topic.schema) {
    return gridError(400, 'BadRequest', `this topic accepts ${topic.schema} schema events, not ${parsed.schema}`);
  }
  delivery.publish(topic.source, parsed.schema, parsed.events);
  return { status: 200, headers: {}, body: '' };
}
