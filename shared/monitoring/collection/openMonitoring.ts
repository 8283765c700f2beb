import { AlertRuleStore } from '../alerts/AlertRuleStore';
import { AlertService } from '../alerts/AlertService';
import { AlertStateStore } from '../alerts/AlertStateStore';
import { alertStateTableSuffix } from '../../platform/alerts/alertStateTable';
import { metricsHistoryTableSuffix } from '../../platform/metrics/metricsHistoryTable';
import { healthFindingsTableSuffix } from '../../platform/findings/healthFindingsTable';
import type { TableClient } from '@azure/data-tables';
import type { AppSettings } from '../../platform/config/appSettings';
import { loadSettings } from '../../platform/config/loadSettings';
import { blobServiceClient, storageTarget, tableClient } from '../../platform/storage/storageClients';
import { MessagingStore, messagingContainerName } from '../messaging/MessagingStore';
import { controlPlane, type ControlPlane } from '../../platform/controlPlane';
import { monitoringSettings, type MonitoringSettings } from './monitoringSettings';
import { MonitorStore } from './MonitorStore';

/** The monitoring services, wired once per process over the control plane's storage. */
export interface Monitoring {
  settings: MonitoringSettings;
  store: MonitorStore;
  alerts: AlertService;
  /** Last messaging snapshot per cluster (blobs). */
  messaging: MessagingStore;
  /** The latest recorded health findings per cluster (written by the admin area; the scrape reads them). */
  findings: TableClient;
  cp: ControlPlane;
}

/** Opens the monitoring tables (`<prefix>monitorstate`, `metrics`, `alerts`, `alertrules`) and the messaging container, creating them when missing. */
export async function openMonitoring(appSettings: AppSettings, cp: ControlPlane, env: NodeJS.ProcessEnv = process.env): Promise<Monitoring> {
  const target = storageTarget(appSettings);
  const table = (suffix: string) => tableClient(target, `${cp.settings.tablePrefix}${suffix}`);
  const tables = [table('monitorstate'), table(metricsHistoryTableSuffix), table(alertStateTableSuffix), table('alertrules')] as const;
  const container = blobServiceClient(target).getContainerClient(messagingContainerName(cp.settings.tablePrefix));
  await Promise.all([...tables.map((t) => t.createTable()), container.createIfNotExists()]);
  const [state, history, alertStates, alertRules] = tables;
  return {
    settings: monitoringSettings(env),
    store: new MonitorStore(state, history),
    alerts: new AlertService(new AlertStateStore(alertStates), new AlertRuleStore(cp.streams, alertRules), cp.streams),
    messaging: new MessagingStore(container),
    // Not created here: the admin area creates it on its first write; reads before that find no table (no findings).
    findings: table(healthFindingsTableSuffix),
    cp,
  };
}

let shared: Promise<Monitoring> | undefined;

/** The process-wide monitoring services from app settings; a failed start is not cached. */
export function monitoring(): Promise<Monitoring> {
  shared ??= controlPlane()
    .then((cp) => openMonitoring(loadSettings(), cp))
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
}
