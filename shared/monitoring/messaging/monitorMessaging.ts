import { systemPrincipal } from '../../platform/auth/Principal';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import type { ClusterStreams } from '../../platform/registry/ClusterStreams';
import type { RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import type { NodeSample } from '../collection/NodeSample';
import type { MonitoringSettings } from '../collection/monitoringSettings';
import { withTimeout } from '../collection/withTimeout';
import { newDiscoveries } from './announceDiscoveries';
import { collectMessaging } from './collectMessaging';
import { defaultDiscoveryOptions } from './discoverNode';
import type { ClusterMessaging } from './MessagingSnapshot';
import type { MessagingStore } from './MessagingStore';
import { namespaceMatcher, type NamespaceRef } from './namespaceOfKey';
import { summarizeMessaging, type MessagingSummary } from './summarizeMessaging';

/** What the tick needs for messaging. */
export interface MessagingDeps {
  store: MessagingStore;
  /** The cluster's registered namespaces (keys are attributed to them). */
  namespaces(clusterId: string): Promise<NamespaceRef[]>;
  /** Where `Messaging.WorkloadDiscovered` is recorded (audited, published through the outbox). */
  streams: ClusterStreams;
}

export interface MessagingTick {
  snapshot: ClusterMessaging;
  summaries: { node: string; summary: MessagingSummary }[];
}

/**
 * One tick of messaging on a cluster: discovery on every master (bounded by what is left of the tick), the
 * snapshot saved, and newly found messaging namespaces announced as `Messaging.WorkloadDiscovered`. `announced`
 * is only advanced once the event is recorded, so a failed record is retried next tick.
 */
export async function monitorMessaging(
  deps: MessagingDeps,
  connections: RedisConnectionManager,
  cluster: ClusterResource,
  samples: readonly NodeSample[],
  /** Epoch ms by which the tick must be done. */
  deadline: number,
  settings: MonitoringSettings,
  correlationId: string,
  log?: (line: string) => void,
): Promise<MessagingTick> {
  const [previous, registered] = await Promise.all([deps.store.load(cluster.id), deps.namespaces(cluster.id)]);
  const matcher = namespaceMatcher(registered);
  const namespaceOf = (key: string): string | null => matcher(key)?.namespace ?? null;
  // Leave a slice of the tick for saving state, history and alerts.
  const until = Math.max(Date.now() + 50, deadline - 1000);
  const options = {
    ...defaultDiscoveryOptions,
    maxKeys: settings.MONITOR_MESSAGING_MAX_KEYS,
    keysPerSecond: settings.MONITOR_MESSAGING_KEYS_PER_SECOND,
    maxKeysVisitedPerTick: settings.MONITOR_MESSAGING_SCAN_KEYS_PER_TICK,
    latencyGuard: settings.MONITOR_MESSAGING_MAX_LATENCY_MS > 0 ? { maxLatencyMs: settings.MONITOR_MESSAGING_MAX_LATENCY_MS } : null,
    deadline: until,
  };
  const budget = Math.max(100, until - Date.now() + 2000);
  const snapshot = await withTimeout(
    connections.run(cluster, (c) => collectMessaging(c, cluster.id, samples, previous, namespaceOf, options, log), { timeoutMs: budget }),
    budget,
    `messaging of ${cluster.id}`,
  );
  const { fresh, announced } = newDiscoveries(snapshot, matcher);
  if (fresh.length > 0) {
    try {
      await deps.streams.record(cluster.id, { principal: systemPrincipal, correlationId }, [
        { type: 'RedisClusterManager.Messaging.WorkloadDiscovered', data: { clusterId: cluster.id, namespaces: fresh, discoveredAt: new Date().toISOString() } },
      ]);
      snapshot.announced = announced;
      log?.(`[monitor] ${cluster.id}: messaging found in ${fresh.map((n) => n.namespace).join(', ')}`);
    } catch (error) {
      log?.(`[monitor] ${cluster.id}: recording Messaging.WorkloadDiscovered failed; retried next tick: ${(error as Error).message}`);
    }
  } else snapshot.announced = announced;
  await deps.store.save(snapshot);
  return { snapshot, summaries: snapshot.nodes.map((n) => ({ node: n.node, summary: summarizeMessaging(n) })) };
}
