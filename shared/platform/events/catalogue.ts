import type { z } from 'zod';
import { alertRaisedData, alertResolvedData, alertRulesChangedData } from './schemas/alertEvents';
import { clusterRegisteredData, clusterRemovedData, clusterUpdatedData } from './schemas/clusterEvents';
import { evictionPolicyAppliedData, evictionPolicyRecommendedData } from './schemas/evictionEvents';
import { jobChunkCompletedData, jobFinishedData, jobQueuedData } from './schemas/jobEvents';
import { keysInvalidatedData } from './schemas/keysEvents';
import { messagingWorkloadDiscoveredData } from './schemas/messagingEvents';
import { fixedData, reshardedData, slotMigrationStartedData } from './schemas/slotEvents';
import { failedOverData, nodeAddedData, nodeRemovedData } from './schemas/nodeEvents';
import { namespacePolicyChangedData, namespaceRemovedData } from './schemas/namespaceEvents';
import { notificationChannelChangedData, notificationChannelRemovedData } from './schemas/notificationEvents';
import { warmChunkCompletedData, warmCompletedData, warmFailedData, warmRequestedData, warmTriggerCoalescedData } from './schemas/warmEvents';

/**
 * Every event type of the manager and the zod schema of its `data`: the only contract between areas.
 * `docs/events.md` documents each one (a test checks none is missing there).
 */
export const eventCatalogue = {
  'RedisClusterManager.Cluster.Registered': clusterRegisteredData,
  'RedisClusterManager.Cluster.Updated': clusterUpdatedData,
  'RedisClusterManager.Cluster.Removed': clusterRemovedData,
  'RedisClusterManager.Cluster.SlotMigrationStarted': slotMigrationStartedData,
  'RedisClusterManager.Cluster.Resharded': reshardedData,
  'RedisClusterManager.Cluster.Fixed': fixedData,
  'RedisClusterManager.Cluster.NodeAdded': nodeAddedData,
  'RedisClusterManager.Cluster.NodeRemoved': nodeRemovedData,
  'RedisClusterManager.Cluster.FailedOver': failedOverData,
  'RedisClusterManager.Namespace.PolicyChanged': namespacePolicyChangedData,
  'RedisClusterManager.Namespace.Removed': namespaceRemovedData,
  'RedisClusterManager.Keys.Invalidated': keysInvalidatedData,
  'RedisClusterManager.Job.Queued': jobQueuedData,
  'RedisClusterManager.Job.ChunkCompleted': jobChunkCompletedData,
  'RedisClusterManager.Job.Finished': jobFinishedData,
  'RedisClusterManager.Warm.Requested': warmRequestedData,
  'RedisClusterManager.Warm.TriggerCoalesced': warmTriggerCoalescedData,
  'RedisClusterManager.Warm.ChunkCompleted': warmChunkCompletedData,
  'RedisClusterManager.Warm.Completed': warmCompletedData,
  'RedisClusterManager.Warm.Failed': warmFailedData,
  'RedisClusterManager.Alert.Raised': alertRaisedData,
  'RedisClusterManager.Alert.Resolved': alertResolvedData,
  'RedisClusterManager.Alert.RulesChanged': alertRulesChangedData,
  'RedisClusterManager.Eviction.PolicyRecommended': evictionPolicyRecommendedData,
  'RedisClusterManager.Eviction.PolicyApplied': evictionPolicyAppliedData,
  'RedisClusterManager.Notification.ChannelChanged': notificationChannelChangedData,
  'RedisClusterManager.Notification.ChannelRemoved': notificationChannelRemovedData,
  'RedisClusterManager.Messaging.WorkloadDiscovered': messagingWorkloadDiscoveredData,
} as const;

export type EventType = keyof typeof eventCatalogue;
export type EventData<T extends EventType> = z.output<(typeof eventCatalogue)[T]>;

/** A typed event body before it is stored: the `type` picks the schema of `data`. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

export const eventTypes = Object.keys(eventCatalogue) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalogue, type);
}

/**
 * Validates `data` against the schema of `type`. Returns the parsed data or the first problem as
 * `data.<path>: <message>`; an unknown type is a problem too (never passed through unvalidated).
 */
export function validateEventData(type: string, data: unknown): { ok: true; event: DomainEvent } | { ok: false; problem: string } {
  if (!isEventType(type)) return { ok: false, problem: `unknown event type '${type}'` };
  const result = eventCatalogue[type].safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = ['data', ...(issue?.path ?? [])].join('.');
    return { ok: false, problem: `${path}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, event: { type, data: result.data } as DomainEvent };
}
