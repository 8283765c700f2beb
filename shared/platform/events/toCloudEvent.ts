import type { CloudEvent } from '@azure/eventgrid';
import type { StoredEvent } from '../store/StoredEvent';

/** CloudEvents `source` of everything the manager publishes. */
export const eventSource = '/redis-cluster-manager';

/** `clusters/<id>` or `clusters/<id>/namespaces/<ns>`: Event Grid subscriptions filter on subject prefixes. */
export function subjectOf(event: StoredEvent): string {
  const data = event.data as { clusterId?: string; namespace?: string };
  if (!data.clusterId) return event.streamId;
  return data.namespace ? `clusters/${data.clusterId}/namespaces/${data.namespace}` : `clusters/${data.clusterId}`;
}

/** The CloudEvent for a stored event; the event id is kept, so a republished event is recognisably the same one. */
export function toCloudEvent(event: StoredEvent): CloudEvent<unknown> {
  return {
    type: event.type,
    source: eventSource,
    id: event.id,
    time: new Date(event.time),
    subject: subjectOf(event),
    datacontenttype: 'application/json',
    data: event.data,
    extensionAttributes: {
      correlationid: event.correlationId,
      principal: event.principal.id,
      streamversion: event.version,
      // CloudEvents distributed tracing extension: the subscriber's span continues the trace that caused the event.
      ...(event.traceparent ? { traceparent: event.traceparent } : {}),
    },
  };
}
