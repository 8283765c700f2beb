import { z } from 'zod';
import { ownEntry } from '../store/ownEntry';
import type { StoredEvent } from '../store/StoredEvent';
import { namespacePolicyResourceSchema } from './namespacePolicy';
import { clusterResourceSchema } from './clusterSpec';

/** Current state of one cluster stream: the registration (null when never registered or removed) and its policies. */
export const clusterStreamStateSchema = z.object({
  cluster: clusterResourceSchema.nullable(),
  namespaces: z.record(z.string(), namespacePolicyResourceSchema),
});
export type ClusterStreamState = z.infer<typeof clusterStreamStateSchema>;

/**
 * The policy of `namespace`, own properties only: ids come from URLs, and `state.namespaces['constructor']` would
 * otherwise be `Object.prototype.constructor` (a phantom policy that reads, deletes and invalidates as if it existed).
 */
export function namespaceIn(state: ClusterStreamState, namespace: string): ClusterStreamState['namespaces'][string] | undefined {
  return ownEntry(state.namespaces, namespace);
}

export const emptyClusterState: ClusterStreamState = { cluster: null, namespaces: {} };

/** The projection: a pure fold, so replaying the stream and the snapshot written at append time must agree. */
export function applyClusterEvent(state: ClusterStreamState, event: StoredEvent): ClusterStreamState {
  const who = event.principal.id;
  switch (event.type) {
    case 'RedisClusterManager.Cluster.Registered':
      return {
        cluster: { ...event.data.cluster, id: event.data.clusterId, version: event.version, createdAt: event.time, createdBy: who, updatedAt: event.time, updatedBy: who },
        namespaces: {},
      };
    case 'RedisClusterManager.Cluster.Updated':
      if (!state.cluster) return state;
      return { ...state, cluster: { ...event.data.cluster, id: event.data.clusterId, version: event.version, createdAt: state.cluster.createdAt, createdBy: state.cluster.createdBy, updatedAt: event.time, updatedBy: who } };
    case 'RedisClusterManager.Cluster.Removed':
      return emptyClusterState;
    case 'RedisClusterManager.Namespace.PolicyChanged': {
      const { clusterId, namespace, policy } = event.data;
      return { ...state, namespaces: { ...state.namespaces, [namespace]: { ...policy, clusterId, namespace, version: event.version, updatedAt: event.time, updatedBy: who } } };
    }
    case 'RedisClusterManager.Namespace.Removed': {
      const { [event.data.namespace]: _gone, ...rest } = state.namespaces;
      return { ...state, namespaces: rest };
    }
    default:
      // Other areas may record their own events in a cluster stream; they do not change registrations.
      return state;
  }
}

export function replayClusterStream(events: readonly StoredEvent[], from: ClusterStreamState = emptyClusterState): ClusterStreamState {
  return events.reduce(applyClusterEvent, from);
}
