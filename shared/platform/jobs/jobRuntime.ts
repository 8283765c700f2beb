import { loadSettings } from '../config/loadSettings';
import { controlPlane, type ControlPlane } from '../controlPlane';
import { storageTarget, tableClient } from '../storage/storageClients';
import { jobSettings, type JobSettings } from './jobSettings';
import { JobStore } from './JobStore';

/** What job functions need: the control plane, the jobs table and the tuning. */
export interface JobRuntime {
  cp: ControlPlane;
  store: JobStore;
  settings: JobSettings;
}

const stores = new Map<string, Promise<JobStore>>();

/** The `<prefix>jobs` table of a control plane (created once per process). */
export function jobStoreFor(cp: ControlPlane): Promise<JobStore> {
  const settings = loadSettings();
  const name = `${cp.settings.tablePrefix}jobs`;
  let store = stores.get(name);
  if (!store) {
    const table = tableClient(storageTarget(settings), name);
    store = table.createTable().then(() => new JobStore(table));
    store.catch(() => stores.delete(name));
    stores.set(name, store);
  }
  return store;
}

/** The process-wide job runtime from app settings. */
export async function jobRuntime(cpOverride?: ControlPlane): Promise<JobRuntime> {
  const cp = cpOverride ?? (await controlPlane());
  return { cp, store: await jobStoreFor(cp), settings: jobSettings(loadSettings()) };
}
