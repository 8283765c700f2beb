import type { AppSettings } from '../../platform/config/appSettings';
import { azureCredential } from '../../platform/config/azureCredential';
import { loadSettings } from '../../platform/config/loadSettings';
import { controlPlane, type ControlPlane } from '../../platform/controlPlane';
import { storageTarget, tableClient } from '../../platform/storage/storageClients';
import { ChannelRegistry } from './ChannelRegistry';
import { DeliveryLog } from './DeliveryLog';
import type { DeliveryDeps } from './deliverNotice';
import { notificationSettings } from './notificationSettings';

/** The notification services: channels (event-sourced), the delivery log and how to send. */
export interface Notifications {
  cp: ControlPlane;
  channels: ChannelRegistry;
  delivery: DeliveryDeps;
}

/** Opens `<prefix>notifydeliveries` and `<prefix>notifydeadletters` (created when missing) over the control plane's storage. */
export async function openNotifications(appSettings: AppSettings, cp: ControlPlane, env: NodeJS.ProcessEnv = process.env): Promise<Notifications> {
  const settings = notificationSettings(env);
  const target = storageTarget(appSettings);
  const [deliveries, deadLetters] = [tableClient(target, `${cp.settings.tablePrefix}notifydeliveries`), tableClient(target, `${cp.settings.tablePrefix}notifydeadletters`)];
  await Promise.all([deliveries.createTable(), deadLetters.createTable()]);
  return {
    cp,
    channels: new ChannelRegistry(cp.store, cp.outbox),
    delivery: { log: new DeliveryLog(deliveries, deadLetters, settings.NOTIFY_RECORD_RETENTION_DAYS * 86_400_000), settings, credential: () => azureCredential(appSettings.AZURE_CLIENT_ID), env },
  };
}

let shared: Promise<Notifications> | undefined;

/** The process-wide notification services from app settings; a failed start is not cached. */
export function notifications(): Promise<Notifications> {
  shared ??= controlPlane()
    .then((cp) => openNotifications(loadSettings(), cp))
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
}
