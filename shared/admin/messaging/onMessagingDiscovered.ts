import { controlPlane, type ControlPlane } from '../../platform/controlPlane';
import { parseCloudEvent } from '../../platform/events/cloudEventSchema';
import { recordedCopy } from '../../platform/events/recordedCopy';
import { isDomainError } from '../../platform/store/DomainError';
import { markPersistentNamespaces } from './markPersistentNamespaces';

interface EventInvocation {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/**
 * The admin subscriber of `Messaging.WorkloadDiscovered`: marks the namespaces `retention: persistent`
 * (`markPersistentNamespaces`). Deduped per event id; malformed and other events are logged and dropped; a cluster
 * removed meanwhile is ignored. A failure is thrown, so Event Grid redelivers.
 *
 * The payload alone is never trusted to change data: the namespaces marked are those of the event as recorded in the
 * cluster's stream by the monitor (`recordedCopy`); a delivery with no recorded copy (forged) is logged and dropped.
 */
export async function onMessagingDiscovered(raw: unknown, context: EventInvocation, options: { cp?: ControlPlane } = {}): Promise<void> {
  const parsed = parseCloudEvent(raw);
  if (!parsed.ok) return context.warn(`markPersistentOnDiscovery: ${parsed.problem}`);
  const event = parsed.event;
  if (event.type !== 'RedisClusterManager.Messaging.WorkloadDiscovered') return context.warn(`markPersistentOnDiscovery: event ${event.id} of type ${event.type} ignored`);
  const cp = options.cp ?? (await controlPlane());
  const recorded = await recordedCopy(cp.streams.store, event);
  if (recorded?.type !== 'RedisClusterManager.Messaging.WorkloadDiscovered') {
    return context.warn(`markPersistentOnDiscovery: event ${event.id} is not recorded in the stream of cluster '${event.data.clusterId}'; ignored`);
  }
  const { clusterId, namespaces } = recorded.data;
  await cp.dedupe.once('mark-persistent-on-discovery', event.id, async () => {
    try {
      const outcomes = await markPersistentNamespaces(cp, clusterId, namespaces, event.id);
      context.log(`markPersistentOnDiscovery: event ${event.id} cluster ${clusterId}: ${outcomes.map((o) => `${o.namespace} ${o.outcome}`).join(', ')}`);
    } catch (error) {
      if (isDomainError(error) && error.code === 'cluster_not_found') return context.warn(`markPersistentOnDiscovery: event ${event.id}: cluster '${clusterId}' is gone; ignored`);
      throw error;
    }
  });
}
