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

/** Telemetry over an SDK `MeterProvider` with the given readers (tests: an in-memory reader; locally: none). */
export async function localTelemetry(readers: MetricReader[] = []): Promise<MonitorTelemetry> {
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const provider = new MeterProvider({ readers });
  return new MonitorTelemetry(provider, () => provider.forceFlush());
}

/**
 * Azure Monitor through the distro (`@azure/monitor-opentelemetry`, loaded only here: it is heavy), authenticated
 * with the app's managed identity (Entra, no instrumentation key auth). Redis client instrumentation stays off: the
 * collector's own commands are not worth a span each.
 */
export async function azureMonitorTelemetry(connectionString: string, clientId: string | undefined): Promise<MonitorTelemetry> {
  const [{ useAzureMonitor }, { metrics }, { azureCredential }] = await Promise.all([
    import('@azure/monitor-opentelemetry'),
    import('@opentelemetry/api'),
    import('../../platform/config/azureCredential.js'),
  ]);
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, credential: azureCredential(clientId) },
    instrumentationOptions: { redis: { enabled: false }, redis4: { enabled: false } },
    enableLiveMetrics: false,
  });
  const provider = metrics.getMeterProvider();
  const flushable = provider as ApiMeterProvider & { forceFlush?: () => Promise<void> };
  return new MonitorTelemetry(provider, async () => {
    await flushable.forceFlush?.();
  });
}
