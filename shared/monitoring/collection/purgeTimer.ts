import { monitoring } from './openMonitoring';
import { purgeHistory, type PurgeResult } from './purgeHistory';

/** The `monitorPurge` timer's work: one bounded, leased purge of the metric history over the registered clusters. */
export async function purgeTick(): Promise<PurgeResult> {
  const m = await monitoring();
  return purgeHistory({ store: m.store, listClusters: () => m.cp.clusters.list(), settings: m.settings });
}
