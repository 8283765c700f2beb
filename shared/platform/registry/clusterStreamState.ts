import { z } from 'zod';
import { ownEntry } from '../store/ownEntry';
import type { StoredEvent } from '../store/StoredEvent';
import { ruleOverrideSchema } from '../events/schemas/alertEvents';
import { namespacePolicyResourceSchema } from './namespacePolicy';
import { clusterResourceSchema } from './clusterSpec';

const overridesSchema = z.record(z.string(), ruleOverrideSchema);

/** One change of a cluster's alert-rule overrides, as the rules' history shows it. */
export const alertRulesChangeSchema = z.object({ version: z.int(), at: z.string(), by: z.string(), correlationId: z.string(), overrides: overridesSchema });

/** How many changes of the alert-rule overrides the state keeps (the whole trail is the stream itself). */
export const alertRulesHistoryLength = 20;

/**
 * Current state of one cluster stream: the registration (null when never registered or removed), its namespace
 * policies, and its alert-rule overrides (absent until first changed; their own version, so tuning a rule never moves
 * the registration's ETag).
 */
export const clusterStreamStateSchema = z.object({
  cluster: clusterResourceSchema.nullable(),
  namespaces: z.record(z.string(), namespacePolicyResourceSchema),
  alertRules: z
    .object({ version: z.int(), overrides: overridesSchema, updatedAt: z.string(), updatedBy: z.string(), history: z.array(alertRulesChangeSchema) })
    .optional(),
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
    case 'RedisClusterManager.Alert.RulesChanged': {
      const { version, overrides, migratedFrom } = event.data;
      const at = migratedFrom?.updatedAt ?? event.time;
      const by = migratedFrom?.updatedBy ?? who;
      const history = [{ version, at, by, correlationId: event.correlationId, overrides }, ...(state.alertRules?.history ?? [])].slice(0, alertRulesHistoryLength);
      return { ...state, alertRules: { version, overrides, updatedAt: at, updatedBy: by, history } };
    }
    default:
      // Other areas may record their own events in a cluster stream; they do not change registrations.
      return state;
  }
}

export function replayClusterStream(events: readonly StoredEvent[], from: ClusterStreamState = emptyClusterState): ClusterStreamState {
  return events.reduce(applyClusterEvent, from);
}
