import type { JobEstimate } from '../../platform/jobs/JobRecord';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { estimateMatches } from '../invalidation/estimateMatches';

/** Samples taken for a TTL hygiene job's total (the invalidation dry run's default). @default 2000 */
const sampleSize = 2000;

/**
 * What a TTL hygiene job's percentage and ETA count against: the keys its SCAN will visit (`scanned`), estimated the
 * way an invalidation's are (DBSIZE × sampled match ratio per master, exact SCAN count on small servers). An
 * estimate either way: keys written or expired while the job runs are not in it.
 */
export async function ttlHygieneEstimate(cluster: ClusterResource, pattern: string): Promise<JobEstimate> {
  const estimate = await estimateMatches(cluster, pattern, sampleSize);
  return {
    counter: 'scanned',
    total: estimate.estimatedKeys,
    exact: false,
    basis: estimate.method === 'exact-scan' ? 'matching keys counted when the job was created (keys written since are not in it)' : `sampled estimate of matching keys, ±${estimate.margin95} (95 %)`,
  };
}
