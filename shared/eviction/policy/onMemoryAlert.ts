import { analyzeCluster, type AnalysisNamespace } from '../analysis/analyzeCluster';
import { systemPrincipal } from '../../platform/auth/Principal';
import { parseCloudEvent } from '../../platform/events/cloudEventSchema';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import { controlPlane, type ControlPlane } from '../../platform/controlPlane';
import { isDomainError } from '../../platform/store/DomainError';
import { autoShortenTtlLabel, shortenLowPriorityTtls, type ShortenAction } from './shortenLowPriorityTtls';

/** Alert metrics that mean memory pressure. */
export const memoryPressureMetrics = ['used_memory_ratio', 'evicted_keys_per_s'];

interface EventInvocation {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export interface OnMemoryAlertOptions {
  /** @default the process-wide control plane */
  cp?: ControlPlane;
  manager?: RedisConnectionManager;
  /** Keys sampled. @default 10000 */
  samples?: number;
}

/**
 * The eviction subscriber: on a memory-pressure `Alert.Raised`, a sampled analysis of the cluster, then
 * `Eviction.PolicyRecommended` recorded in its stream (audited, published). Clusters labelled
 * `rcm.eviction.auto-shorten-ttl: on` also get their low-priority namespaces' TTLs shortened, listed as `actions`
 * in the same event. Deduped per event id; other alerts and malformed events are logged and dropped.
 */
export async function onMemoryAlert(raw: unknown, context: EventInvocation, options: OnMemoryAlertOptions = {}): Promise<void> {
  const parsed = parseCloudEvent(raw);
  if (!parsed.ok) return context.warn(`evictionOnMemoryAlert: ${parsed.problem}`);
  const event = parsed.event;
  if (event.type !== 'RedisClusterManager.Alert.Raised') return context.warn(`evictionOnMemoryAlert: event ${event.id} of type ${event.type} ignored`);
  const alert = event.data;
  if (!memoryPressureMetrics.includes(alert.metric)) return context.log(`evictionOnMemoryAlert: event ${event.id}: ${alert.metric} is not memory pressure; ignored`);
  const cp = options.cp ?? (await controlPlane());
  await cp.dedupe.once('eviction-on-memory-alert', event.id, async () => {
    let cluster;
    try {
      cluster = await cp.clusters.get(alert.clusterId);
    } catch (error) {
      if (isDomainError(error) && error.code === 'cluster_not_found') return context.warn(`evictionOnMemoryAlert: event ${event.id}: cluster '${alert.clusterId}' is gone; ignored`);
      throw error;
    }
    const namespaces: AnalysisNamespace[] = await cp.namespaces.list(cluster.id);
    const manager = options.manager;
    const analysis = await analyzeCluster(cluster, namespaces, { mode: 'sampled', samples: options.samples ?? 10_000, timeoutMs: 30_000, ...(manager ? { manager } : {}) });
    let actions: ShortenAction[] = [];
    if (cluster.labels?.[autoShortenTtlLabel] === 'on') {
      const run = (connection: Parameters<typeof shortenLowPriorityTtls>[0]) => shortenLowPriorityTtls(connection, namespaces);
      actions = manager ? await manager.run(cluster, run, { timeoutMs: 60_000 }) : await withRedis(cluster, run, { timeoutMs: 60_000 });
    }
    const r = analysis.recommendation;
    await cp.streams.record(cluster.id, { principal: systemPrincipal, correlationId: event.id }, [
      {
        type: 'RedisClusterManager.Eviction.PolicyRecommended',
        data: {
          clusterId: cluster.id,
          current: r.current === 'mixed' || r.current === 'unknown' ? null : r.current,
          recommended: r.recommended,
          reasons: r.reasons.slice(0, 20).map((x) => x.message.slice(0, 1024)),
          warnings: r.warnings.slice(0, 20).map((x) => x.message.slice(0, 1024)),
          ...(r.maxmemoryReserved ? { maxmemoryReservedMb: r.maxmemoryReserved.recommendedMb } : {}),
          trigger: { alertId: alert.alertId, rule: alert.rule, metric: alert.metric, value: alert.value },
          analysis: { mode: 'sampled', keysProbed: analysis.summary.keysProbed, durationMs: analysis.durationMs },
          ...(actions.length > 0 ? { actions } : {}),
        },
      },
    ]);
    context.log(`evictionOnMemoryAlert: event ${event.id} cluster ${cluster.id}: ${r.current} -> recommend ${r.recommended}${actions.length ? `; ${actions.length} automatic action(s)` : ''}`);
  });
}
