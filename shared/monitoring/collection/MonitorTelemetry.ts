import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { NodeReading } from './NodeReading';
import { registerMonitorInstruments } from './monitorInstruments';

/** Meter scope of the collector's instruments. */
export const monitorMeterName = 'redis-cluster-manager.monitor';

/**
 * Firing alert incidents per cluster and severity, every severity observed (0 when none fire), so an Azure Monitor
 * metric alert on it fires when the first incident of a severity begins and resolves when none is left
 * (infra/modules/alerts.bicep routes it to the Action Group: that is how the app's own alerts reach email).
 */
export const alertsFiringInstrument = { name: 'rcm.alerts.firing', unit: '{incident}', description: 'firing alert incidents of the cluster by severity (app alert rules)' };
const severities = ['info', 'warning', 'critical'] as const;

/**
 * The collector's OpenTelemetry side: keeps the last tick's readings per cluster and exposes them as observable
 * instruments; `flush()` pushes them out at the end of a tick (a Functions instance may be frozen before a
 * periodic export would run).
 */
export class MonitorTelemetry {
  private readonly latest = new Map<string, readonly NodeReading[]>();
  private readonly firing = new Map<string, ReadonlyMap<string, number>>();

  constructor(
    readonly meterProvider: ApiMeterProvider,
    private readonly flushProvider: () => Promise<void> = async () => undefined,
  ) {
    const meter = meterProvider.getMeter(monitorMeterName);
    registerMonitorInstruments(meter, () => [...this.latest.values()].flat());
    meter.createObservableGauge(alertsFiringInstrument.name, { unit: alertsFiringInstrument.unit, description: alertsFiringInstrument.description }).addCallback((result) => {
      for (const [clusterId, bySeverity] of this.firing) {
        for (const severity of severities) result.observe(bySeverity.get(severity) ?? 0, { 'redis.cluster': clusterId, 'rcm.alert.severity': severity });
      }
    });
  }

  /** Replaces the firing incidents of the clusters given (clusters not in this call keep theirs; a removed cluster is dropped when absent from `all`). */
  recordAlerts(states: ReadonlyMap<string, ReadonlyArray<{ status: string; severity: string }>>, registered?: ReadonlySet<string>): void {
    for (const [clusterId, list] of states) {
      const counts = new Map<string, number>();
      for (const s of list) if (s.status === 'firing') counts.set(s.severity, (counts.get(s.severity) ?? 0) + 1);
      this.firing.set(clusterId, counts);
    }
    if (registered) for (const clusterId of [...this.firing.keys()]) if (!registered.has(clusterId)) this.firing.delete(clusterId);
  }

  /** Replaces the readings of the clusters in `readings` (clusters not in this call keep theirs). */
  record(readings: readonly NodeReading[]): void {
    const byCluster = new Map<string, NodeReading[]>();
    for (const r of readings) byCluster.set(r.clusterId, [...(byCluster.get(r.clusterId) ?? []), r]);
    for (const [clusterId, list] of byCluster) this.latest.set(clusterId, list);
  }

  flush(): Promise<void> {
    return this.flushProvider();
  }
}

/**
 * Telemetry over its own SDK `MeterProvider` with the given readers (tests: an in-memory reader). The app's own comes
 * from the platform's telemetry start (`shared/platform/telemetry`, monitorTimer.ts).
 */
export async function localTelemetry(readers: MetricReader[] = []): Promise<MonitorTelemetry> {
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const provider = new MeterProvider({ readers });
  return new MonitorTelemetry(provider, () => provider.forceFlush());
}
