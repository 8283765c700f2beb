import { createHash } from 'node:crypto';
import { systemPrincipal } from '../../platform/auth/Principal';
import { literalPrefix } from '../../platform/keyspace/redisGlob';
import { protectedNamespacesReached } from '../../platform/registry/protectedOverlap';
import type { JobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService } from '../../platform/jobs/JobService';
import type { TtlHygieneParams } from './ttlHygieneRequest';
import { ttlHygieneEstimate } from './ttlHygieneEstimate';

export interface ScheduleResult {
  created: string[];
  /** Already created today (another instance, or a re-run of the timer). */
  existing: string[];
  /** Namespaces left out, with why (protected, match-everything pattern). */
  skipped: Array<{ clusterId: string; namespace: string; reason: string }>;
}

/**
 * The daily timer's work: one TTL hygiene job per namespace whose policy has a TTL, on every cluster, with the
 * default pacing. The job id is derived from the day, cluster and namespace, so timers firing on several
 * instances (or twice) create each job once. Protected and match-everything namespaces, and namespaces whose pattern
 * may match keys of a protected one, need a person's `force`.
 */
export async function scheduleTtlHygiene(rt: JobRuntime, day = new Date()): Promise<ScheduleResult> {
  const result: ScheduleResult = { created: [], existing: [], skipped: [] };
  const jobs = new JobService(rt);
  const date = day.toISOString().slice(0, 10).replace(/-/g, '');
  for (const cluster of await rt.cp.clusters.list()) {
    const policies = await rt.cp.namespaces.list(cluster.id);
    for (const policy of policies) {
      if (policy.ttlSeconds === null) continue;
      const reaches = protectedNamespacesReached(policy.keyPattern, policies.filter((p) => p.namespace !== policy.namespace));
      if (policy.protected || policy.retention === 'persistent' || literalPrefix(policy.keyPattern) === '' || reaches.length > 0) {
        const reason = policy.protected ? 'protected' : policy.retention === 'persistent' ? 'persistent (streams or queues)' : reaches.length > 0 ? `pattern may match keys of protected ${reaches.join(', ')}` : 'pattern matches every key';
        result.skipped.push({ clusterId: cluster.id, namespace: policy.namespace, reason });
        continue;
      }
      const id = `ttl-hygiene-${date}-${createHash('sha256').update(`${cluster.id}/${policy.namespace}`).digest('hex').slice(0, 16)}`;
      const params: TtlHygieneParams = {
        pattern: policy.keyPattern,
        ttlSeconds: policy.ttlSeconds,
        jitterPercent: policy.ttlJitterPercent,
        dryRun: false,
        keysPerSecondPerNode: 20_000,
        latencyGuard: { maxLatencyMs: 2 },
        scanCount: 1000,
        force: false,
      };
      const { created } = await jobs.create(
        { id, kind: 'ttl-hygiene', clusterId: cluster.id, namespace: policy.namespace, params: { ...params }, ...(await ttlHygieneEstimate(cluster, policy.keyPattern).then((estimate) => ({ estimate })).catch(() => ({}))) },
        { principal: systemPrincipal, correlationId: id },
      );
      (created ? result.created : result.existing).push(id);
    }
  }
  return result;
}
