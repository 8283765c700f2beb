import { loadSettings } from '../../platform/config/loadSettings';
import { redisConnections } from '../../platform/redis/redisConnections';
import { azureMonitorTelemetry, localTelemetry, type MonitorTelemetry } from './MonitorTelemetry';
import { tickBudgetMs } from './monitoringSettings';
import { monitoring } from './openMonitoring';
import { runMonitorTick, type TickResult } from './runMonitorTick';

let telemetry: Promise<MonitorTelemetry> | undefined;

/** Azure Monitor when `APPLICATIONINSIGHTS_CONNECTION_STRING` is set, else an SDK meter provider without exporters. */
function processTelemetry(): Promise<MonitorTelemetry> {
  const settings = loadSettings();
  telemetry ??= settings.APPLICATIONINSIGHTS_CONNECTION_STRING
    ? azureMonitorTelemetry(settings.APPLICATIONINSIGHTS_CONNECTION_STRING, settings.AZURE_CLIENT_ID)
    : localTelemetry();
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
  await t.flush().catch((error: unknown) => log(`[monitor] telemetry flush failed: ${(error as Error).message}`));
  return result;
}
