import { randomUUID } from 'node:crypto';
import type { AlertOutcome, AlertService } from '../alerts/AlertService';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { classifyRedisError } from '../../platform/redis/classifyRedisError';
import { RedisAccessError } from '../../platform/redis/redisErrors';
import type { RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import { nodeKey } from '../../platform/redis/RedisTarget';
import { collectCluster, NodeUnreachableError, type NodePlace } from './collectCluster';
import { deriveReadings } from './deriveReadings';
import { HOUR_MS, type MonitorStore } from './MonitorStore';
import type { NodeReading } from './NodeReading';
import { unreachableSample, type NodeSample } from './NodeSample';
import type { MonitoringSettings } from './monitoringSettings';
import { StepTimeoutError, withTimeout } from './withTimeout';
import { monitorMessaging, type MessagingDeps } from '../messaging/monitorMessaging';
import type { ClusterMessaging } from '../messaging/MessagingSnapshot';
import type { MessagingTick } from '../messaging/monitorMessaging';
import { scrapeStreams } from '../prometheus/scrapeStreams';

export interface MonitorDeps {
  listClusters(): Promise<ClusterResource[]>;
  connections: RedisConnectionManager;
  store: MonitorStore;
  alerts: AlertService;
  settings: MonitoringSettings;
  /** Hands each tick's readings to OpenTelemetry (`shared/monitoring/collection`). */
  exportReadings?(readings: readonly NodeReading[]): void | Promise<void>;
  /** Streams, queues and Pub/Sub discovery (`MONITOR_MESSAGING`); absent = off. */
  messaging?: MessagingDeps;
  log?(line: string): void;
}

export interface ClusterTickResult {
  clusterId: string;
  mode: 'standalone' | 'cluster' | 'unknown';
  nodes: number;
  reachable: number;
  /** Why the whole cluster could not be collected (no endpoint answered, circuit open). */
  error: string | null;
  collectMs: number;
  totalMs: number;
  readings: NodeReading[];
  alerts: AlertOutcome | null;
  /** The messaging snapshot of this tick, when discovery is on and ran. */
  messaging: ClusterMessaging | null;
}

export interface TickResult {
  tickId: string;
  startedAt: string;
  budgetMs: number;
  durationMs: number;
  withinBudget: boolean;
  clusters: ClusterTickResult[];
}

/**
 * One collector tick: every registered cluster concurrently (up to `MONITOR_CLUSTER_CONCURRENCY`), each node within
 * `MONITOR_NODE_TIMEOUT_MS`, the whole tick within `budgetMs`. Per cluster: samples → readings against the previous
 * samples (Table Storage) → state + history row → OpenTelemetry → alert evaluation. One cluster failing (storage,
 * Redis) is logged and never stops the others.
 */
export async function runMonitorTick(deps: MonitorDeps, budgetMs: number): Promise<TickResult> {
  const started = performance.now();
  const tickId = randomUUID();
  const deadline = started + budgetMs;
  const clusters = await deps.listClusters();
  const results: ClusterTickResult[] = [];
  const queue = [...clusters];
  const worker = async (): Promise<void> => {
    for (let cluster = queue.shift(); cluster; cluster = queue.shift()) {
      try {
        results.push(await monitorCluster(deps, cluster, deadline, tickId));
      } catch (error) {
        deps.log?.(`[monitor] ${cluster.id}: tick failed: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.settings.MONITOR_CLUSTER_CONCURRENCY, clusters.length) }, worker));
  const durationMs = performance.now() - started;
  return { tickId, startedAt: new Date(Date.now() - durationMs).toISOString(), budgetMs, durationMs, withinBudget: durationMs <= budgetMs, clusters: results.sort((a, b) => a.clusterId.localeCompare(b.clusterId)) };
}

async function monitorCluster(deps: MonitorDeps, cluster: ClusterResource, deadline: number, tickId: string): Promise<ClusterTickResult> {
  const started = performance.now();
  const previous = await deps.store.loadState(cluster.id);
  const remaining = Math.max(50, deadline - performance.now());
  const options = { nodeTimeoutMs: Math.min(deps.settings.MONITOR_NODE_TIMEOUT_MS, remaining), slowlogEntries: deps.settings.MONITOR_SLOWLOG_ENTRIES };
  let samples: NodeSample[];
  let mode: ClusterTickResult['mode'] = 'unknown';
  let error: string | null = null;
  try {
    const collected = await withTimeout(deps.connections.run(cluster, (c) => collectCluster(c, options), { timeoutMs: remaining }), remaining, `cluster ${cluster.id}`);
    samples = collected.samples;
    mode = collected.mode;
  } catch (failure) {
    error = reasonOf(failure);
    samples = knownPlaces(cluster, previous?.samples).map((place) => unreachableSample(place, Date.now(), error ?? 'connection', performance.now() - started));
  }
  const collectMs = performance.now() - started;
  const before = new Map((previous?.samples ?? []).map((s) => [s.node, s] as const));
  const derived = deriveReadings(cluster.id, samples, before);
  let messaging: MessagingTick | null = null;
  if (deps.messaging && deps.settings.MONITOR_MESSAGING === 'on') {
    // Its own bounded run after the node collection: a slow discovery never turns nodes into "unreachable".
    // `deadline` is on the performance clock; discovery paces itself by wall-clock time.
    messaging = await monitorMessaging(deps.messaging, deps.connections, cluster, samples, Date.now() + Math.max(0, deadline - performance.now()), deps.settings, tickId, deps.log).catch((failure: unknown) => {
      deps.log?.(`[monitor] ${cluster.id}: messaging discovery failed: ${(failure as Error).message}`);
      return null;
    });
  }
  const summaries = new Map((messaging?.summaries ?? []).map((m) => [m.node, m.summary] as const));
  const readings = derived.map((r): NodeReading => {
    const summary = summaries.get(r.node);
    return summary ? { ...r, messaging: summary } : r;
  });
  const at = Date.now();
  // A node that did not answer keeps its last good sample as the base of the next rates.
  const kept = samples.map((s) => (s.reachable ? s : (before.get(s.node) ?? s)));
  // Old rows are purged by the `monitorPurge` timer (under a lease), not here.
  await deps.store.saveState(cluster.id, { at, samples: kept, readings }, messaging ? scrapeStreams(messaging.snapshot) : undefined);
  await deps.exportReadings?.(readings);
  let alerts: AlertOutcome | null = null;
  try {
    alerts = await deps.alerts.evaluate(cluster.id, readings, at, tickId, messaging?.snapshot);
    for (const a of alerts.raised) deps.log?.(`[monitor] ${cluster.id}: alert raised ${a.rule} ${a.node ?? ''} value ${a.value} (threshold ${a.threshold})`);
    for (const a of alerts.resolved) deps.log?.(`[monitor] ${cluster.id}: alert resolved ${a.rule} ${a.node ?? ''}`);
  } catch (failure) {
    deps.log?.(`[monitor] ${cluster.id}: alert evaluation failed (retried next tick): ${(failure as Error).message}`);
  }
  // Last: a history row means the cluster's tick is complete (alerts included).
  await deps.store.appendHistory(cluster.id, at, readings);
  // The first tick of a new hour closes the previous tick's hour: its minute rows become one aggregate row.
  if (previous && Math.floor(previous.at / HOUR_MS) < Math.floor(at / HOUR_MS)) {
    await deps.store.rollupHour(cluster.id, previous.at).catch((failure: unknown) => deps.log?.(`[monitor] ${cluster.id}: hour roll-up failed: ${(failure as Error).message}`));
  }
  return {
    clusterId: cluster.id,
    mode,
    nodes: readings.length,
    reachable: readings.filter((r) => r.reachable).length,
    error,
    collectMs,
    totalMs: performance.now() - started,
    readings,
    alerts,
    messaging: messaging?.snapshot ?? null,
  };
}

function reasonOf(failure: unknown): string {
  if (failure instanceof NodeUnreachableError) return failure.reason;
  if (failure instanceof StepTimeoutError) return 'timeout';
  if (failure instanceof RedisAccessError) return failure.code.replace(/^redis_/, '');
  return classifyRedisError(failure);
}

/** The nodes to report as unreachable when the cluster does not answer: the last known ones, else the endpoints. */
function knownPlaces(cluster: ClusterResource, previous: readonly NodeSample[] | undefined): NodePlace[] {
  if (previous?.length) return previous.map(({ node, nodeId, role, shard, master, slotCount }) => ({ node, nodeId, role, shard, master, slotCount }));
  return cluster.endpoints.map((e) => ({ node: nodeKey(e), nodeId: null, role: 'master', shard: cluster.mode === 'standalone' ? 'standalone' : 'unknown', master: null, slotCount: 0 }));
}
