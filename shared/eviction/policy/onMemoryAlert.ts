import { analyzeCluster, type AnalysisNamespace } from '../analysis/analyzeCluster';
import { systemPrincipal } from '../../platform/auth/Principal';
import { parseCloudEvent } from '../../platform/events/cloudEventSchema';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import { controlPlane, type ControlPlane } from '../../platform/controlPlane';
import { isDomainError } from '../../platform/store/DomainError';
import type { TableClient } from '@azure/data-tables';
import { alertStateTableSuffix, readFiringAlert } from '../../platform/alerts/alertStateTable';
import { loadSettings } from '../../platform/config/loadSettings';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { storageTarget, tableClient } from '../../platform/storage/storageClients';
import { liveMemoryRatio } from './liveMemoryRatio';
import { autoShortenTtlLabel, shortenLowPriorityTtls, type ShortenAction } from './shortenLowPriorityTtls';

/** Alert metrics that mean memory pressure. */
export const memoryPressureMetrics = ['used_memory_ratio', 'evicted_keys_per_s'];

/**
 * For an eviction alert (no ratio threshold of its own), the live memory use that still means pressure: evictions
 * happen at `maxmemory`, so below this share of it the pressure has passed. @default 0.9
 */
export const evictionPressureRatio = 0.9;

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
  /** The alert state table monitoring writes. @default `<STATE_TABLE_PREFIX>alerts` of the app's storage */
  alertStates?: TableClient;
}

/**
 * The eviction subscriber: on a memory-pressure `Alert.Raised`, a sampled analysis of the cluster, then
 * `Eviction.PolicyRecommended` recorded in its stream (audited, published). Clusters labelled
 * `rcm.eviction.auto-shorten-ttl: on` also get their low-priority namespaces' TTLs shortened, listed as `actions`
 * in the same event. Deduped per event id; other alerts and malformed events are logged and dropped.
 *
 * The payload alone is never trusted to change data: the incident must be firing in the alert store (else the event
 * is dropped: resolved meanwhile, or forged), and TTLs are shortened only while memory read now is still over the
 * stored threshold (else the recommendation says why nothing was done).
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
    const table = options.alertStates ?? tableClient(storageTarget(loadSettings()), `${cp.settings.tablePrefix}${alertStateTableSuffix}`);
    const stored = await readFiringAlert(table, cluster.id, alert.alertId);
    if (!stored || stored.metric !== alert.metric) {
      return context.warn(`evictionOnMemoryAlert: event ${event.id}: alert '${alert.alertId}' of cluster '${cluster.id}' is not firing in the alert store; ignored`);
    }
    const namespaces: AnalysisNamespace[] = await cp.namespaces.list(cluster.id);
    const manager = options.manager;
    const onCluster = <T>(run: (connection: RedisConnection) => Promise<T>): Promise<T> => (manager ? manager.run(cluster, run, { timeoutMs: 60_000 }) : withRedis(cluster, run, { timeoutMs: 60_000 }));
    const analysis = await analyzeCluster(cluster, namespaces, { mode: 'sampled', samples: options.samples ?? 10_000, timeoutMs: 30_000, ...(manager ? { manager } : {}) });
    let actions: ShortenAction[] = [];
    const skipped: string[] = [];
    if (cluster.labels?.[autoShortenTtlLabel] === 'on') {
      const threshold = stored.metric === 'used_memory_ratio' ? stored.threshold : evictionPressureRatio;
      const ratio = await onCluster(liveMemoryRatio);
      if (ratio !== null && ratio >= threshold) actions = await onCluster((connection) => shortenLowPriorityTtls(connection, namespaces));
      else skipped.push(`automatic TTL shortening skipped: memory now ${ratio === null ? 'has no maxmemory limit' : `at ${(ratio * 100).toFixed(1)} % of maxmemory`}, below the ${(threshold * 100).toFixed(1)} % threshold`);
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
          warnings: [...skipped, ...r.warnings.map((x) => x.message)].slice(0, 20).map((m) => m.slice(0, 1024)),
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
