import type { AppSettings } from '../../shared/platform/config/appSettings';
import type { EventPublisher } from '../../shared/platform/events/EventPublisher';
import type { StoredEvent } from '../../shared/platform/store/StoredEvent';
import { systemPrincipal } from '../../shared/platform/auth/Principal';
import { openMonitoring, type Monitoring } from '../../shared/monitoring/collection/openMonitoring';
import { monitoringSettings } from '../../shared/monitoring/collection/monitoringSettings';
import type { MonitorDeps } from '../../shared/monitoring/collection/runMonitorTick';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { openControlPlane } from '../../shared/platform/controlPlane';
import { testSettings } from '../controlplane/api';

export const change = { principal: systemPrincipal, correlationId: 'test' };

/** Monitoring over fresh tables of the shared Azurite; publishing through `publisher` (default: none). */
export async function testMonitoring(options: { publisher?: EventPublisher | null; env?: Record<string, string>; settings?: Partial<AppSettings> } = {}): Promise<Monitoring> {
  const settings = testSettings(options.settings);
  const cp = await openControlPlane(settings, { publisher: options.publisher ?? null, log: { warn: () => {}, error: () => {} } });
  return openMonitoring(settings, cp, { ...options.env });
}

/** Tick dependencies for a test: its own connection manager (closed by the caller) and a log it can read. */
export function tickDeps(m: Monitoring, connections: RedisConnectionManager, env: Record<string, string> = {}): MonitorDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    listClusters: () => m.cp.clusters.list(),
    connections,
    store: m.store,
    alerts: m.alerts,
    settings: monitoringSettings(env),
    log: (line) => lines.push(line),
    lines,
  };
}

/** An EventPublisher that keeps what it was given (the real one is exercised through the local host). */
export function recordingPublisher(): EventPublisher & { sent: StoredEvent[] } {
  const sent: StoredEvent[] = [];
  return {
    sent,
    async publish(events) {
      sent.push(...events);
    },
  };
}

/** The `Alert.*` events a publisher got, as `[type suffix, rule, node]`. */
export function alertEvents(sent: readonly StoredEvent[]): [string, string, string | undefined][] {
  return sent.flatMap((e) =>
    e.type === 'RedisClusterManager.Alert.Raised' || e.type === 'RedisClusterManager.Alert.Resolved' ? [[e.type.split('.').pop() ?? '', e.data.rule, e.data.node] as [string, string, string | undefined]] : [],
  );
}

export { RedisConnectionManager };
