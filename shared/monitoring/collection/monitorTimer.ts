import { redisConnections } from '../../platform/redis/redisConnections';
import { processTelemetry as platformTelemetry } from '../../platform/telemetry/processTelemetry';
import { MonitorTelemetry } from './MonitorTelemetry';
import { tickBudgetMs } from './monitoringSettings';
import { monitoring } from './openMonitoring';
import { runMonitorTick, type TickResult } from './runMonitorTick';

let telemetry: Promise<MonitorTelemetry> | undefined;

/**
 * The collector's instruments on the process's meter provider (started once at app start by the platform, in the
 * mode `TELEMETRY_MODE` picks); registered once per process. A failed start is not cached.
 */
function processTelemetry(): Promise<MonitorTelemetry> {
  telemetry ??= platformTelemetry()
    .then((t) => new MonitorTelemetry(t.meterProvider, () => t.flush()))
    .catch((error: unknown) => {
      telemetry = undefined;
      throw error;
    });
  return telemetry;
}

/** The `monitor` timer's work: one bounded tick over every registered cluster, exported and flushed. */
export async function monitorTick(log: (line: string) => void): Promise<TickResult> {
  const [m, t] = await Promise.all([monitoring(), processTelemetry()]);
  const result = await runMonitorTick(
    {
      listClusters: () => m.cp.clusters.list(),
      connections: redisConnections,
      store: m.store,
      alerts: m.alerts,
      settings: m.settings,
      exportReadings: (readings) => t.record(readings),
      messaging: { store: m.messaging, streams: m.cp.streams, namespaces: async (id) => (await m.cp.namespaces.list(id)).map(({ namespace, keyPattern }) => ({ namespace, keyPattern })) },
      log,
    },
    tickBudgetMs(m.settings),
  );
  // One series per firing incident (cluster, rule, node, severity), for the Azure Monitor alert that emails through the Action Group.
  const registered = new Set(result.clusters.map((c) => c.clusterId));
  const states = await m.alerts.all().catch((error: unknown) => {
    log(`[monitor] alert states not exported: ${(error as Error).message}`);
    return undefined;
  });
  if (states) t.recordAlerts(new Map([...registered].map((id) => [id, states.get(id) ?? []])), registered);
  await t.flush().catch((error: unknown) => log(`[monitor] telemetry flush failed: ${(error as Error).message}`));
  return result;
}
