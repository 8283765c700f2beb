import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { NodeReading } from './NodeReading';
import { registerMonitorInstruments } from './monitorInstruments';

/** Meter scope of the collector's instruments. */
export const monitorMeterName = 'redis-cluster-manager.monitor';

/**
 * One series per alert incident (cluster, rule, node, severity): 1 while it fires, 0 once it no longer does, so an
 * Azure Monitor metric alert split by those dimensions fires once per incident and resolves once when it ends
 * (infra/modules/alerts.bicep routes it to the Action Group: that is how the app's own alerts reach email).
 */
export const alertsFiringInstrument = { name: 'rcm.alerts.firing', unit: '{incident}', description: 'an app alert incident: 1 while it fires, 0 after (cluster, rule, node, severity)' };

/** What `recordAlerts` needs of an alert state. `node` null: a cluster-wide rule. */
export interface IncidentState {
  status: string;
  severity: string;
  rule: string;
  node: string | null;
}

/** The node dimension of a cluster-wide incident (dimensions cannot be empty). */
const clusterWide = '(cluster)';
const incidentKey = (s: IncidentState): string => JSON.stringify([s.rule, s.node ?? clusterWide, s.severity]);

/**
 * The collector's OpenTelemetry side: keeps the last tick's readings per cluster and exposes them as observable
 * instruments; `flush()` pushes them out at the end of a tick (a Functions instance may be frozen before a
 * periodic export would run).
 */
export class MonitorTelemetry {
  private readonly latest = new Map<string, readonly NodeReading[]>();
  /** Per cluster: every incident seen firing by this process, and whether it fires now. */
  private readonly incidents = new Map<string, Map<string, { state: IncidentState; firing: boolean }>>();

  constructor(
    readonly meterProvider: ApiMeterProvider,
    private readonly flushProvider: () => Promise<void> = async () => undefined,
  ) {
    const meter = meterProvider.getMeter(monitorMeterName);
    registerMonitorInstruments(meter, () => [...this.latest.values()].flat());
    meter.createObservableGauge(alertsFiringInstrument.name, { unit: alertsFiringInstrument.unit, description: alertsFiringInstrument.description }).addCallback((result) => {
      for (const [clusterId, incidents] of this.incidents) {
        for (const { state, firing } of incidents.values()) {
          result.observe(firing ? 1 : 0, { 'redis.cluster': clusterId, 'rcm.alert.rule': state.rule, 'redis.node': state.node ?? clusterWide, 'rcm.alert.severity': state.severity });
        }
      }
    });
  }

  /**
   * Records the alert states of the clusters given (clusters not in this call keep theirs; a cluster absent from
   * `registered` is dropped). An incident seen firing stays a series: 1 while it fires, 0 after it resolved (its
   * state is gone or pending), so the metric alert on it resolves. Incidents that resolved before this process saw
   * them firing are never reported.
   */
  recordAlerts(states: ReadonlyMap<string, ReadonlyArray<IncidentState>>, registered?: ReadonlySet<string>): void {
    for (const [clusterId, list] of states) {
      const known = this.incidents.get(clusterId) ?? new Map<string, { state: IncidentState; firing: boolean }>();
      for (const entry of known.values()) entry.firing = false;
      for (const state of list) {
        if (state.status !== 'firing') continue;
        known.set(incidentKey(state), { state: { status: state.status, severity: state.severity, rule: state.rule, node: state.node }, firing: true });
      }
      this.incidents.set(clusterId, known);
    }
    if (registered) for (const clusterId of [...this.incidents.keys()]) if (!registered.has(clusterId)) this.incidents.delete(clusterId);
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
