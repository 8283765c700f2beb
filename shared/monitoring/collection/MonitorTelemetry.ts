import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { NodeReading } from './NodeReading';
import { registerMonitorInstruments } from './monitorInstruments';

/** Meter scope of the collector's instruments. */
export const monitorMeterName = 'redis-cluster-manager.monitor';

/**
 * The collector's OpenTelemetry side: keeps the last tick's readings per cluster and exposes them as observable
 * instruments; `flush()` pushes them out at the end of a tick (a Functions instance may be frozen before a
 * periodic export would run).
 */
export class MonitorTelemetry {
  private readonly latest = new Map<string, readonly NodeReading[]>();

  constructor(
    readonly meterProvider: ApiMeterProvider,
    private readonly flushProvider: () => Promise<void> = async () => undefined,
  ) {
    registerMonitorInstruments(meterProvider.getMeter(monitorMeterName), () => [...this.latest.values()].flat());
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
