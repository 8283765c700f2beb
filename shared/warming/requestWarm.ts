import { createHash } from 'node:crypto';
import type { ChangeContext } from '../platform/registry/ClusterStreams';
import type { JobEstimate, JobRecord } from '../platform/jobs/JobRecord';
import type { JobRuntime } from '../platform/jobs/jobRuntime';
import { JobService } from '../platform/jobs/JobService';
import { conflict } from '../platform/store/DomainError';
import { checkWarmPlan } from '../platform/registry/checkWarmPlan';
import { protectionReasons, requireForce } from '../platform/registry/protectedOverlap';
import type { WarmJobParams } from './warmJobParams';

export interface WarmRequest {
  clusterId: string;
  namespace: string;
  reason: WarmJobParams['reason'];
  dryRun?: boolean;
  /** Id of the event that caused it (Keys.Invalidated, Azure maintenance), for tracing and idempotency. */
  causationId?: string;
  /** Makes creation idempotent: the same key never creates a second job (timers on several instances, redeliveries). */
  idempotencyKey?: string;
  /** Required (with the admin role) when the plan overwrites and the namespace may hold keys of a protected one. @default false */
  force?: boolean;
}

/**
 * What a warm's percentage counts: `read` against `recordsEstimated`, kept by the job (warmJob.ts `SourceSize`), an
 * estimate until the job is done; no total (counts only) while it is unknown (an HTTP body without a length).
 */
const fromSize = (what: string): JobEstimate => ({ counter: 'read', totalCounter: 'recordsEstimated', exact: false, basis: `records estimated from the ${what}: records read × source bytes ÷ bytes read` });
const warmEstimates: Record<WarmJobParams['plan']['source']['kind'], JobEstimate> = {
  blob: fromSize('blob size'),
  http: fromSize('Content-Length of the response (no total when the server sends none)'),
  snapshot: fromSize('snapshot blob size'),
  redis: { counter: 'read', totalCounter: 'recordsEstimated', exact: false, basis: "keys matching the pattern on the source, estimated at the job's start: DBSIZE for '*', a SCAN MATCH count on nodes of up to 2,000 keys, else DBSIZE × the matching share of 256 RANDOMKEY draws per node" },
};

/** The id of the warm job an idempotency key creates (the same key, the same job). */
export function warmJobId(clusterId: string, namespace: string, idempotencyKey: string): string {
  return `warm-${createHash('sha256').update(`${clusterId}\n${namespace}\n${idempotencyKey}`).digest('hex').slice(0, 24)}`;
}

/**
 * Starts a warm of one namespace from its plan: a `warm` job on the job machinery (continued in bounded chunks) and
 * `Warm.Requested` in the cluster's stream. 404 unknown cluster / namespace, 409 `warm_plan_missing`; 409
 * `namespace_protected` / 403 for an overwriting plan whose keys may be a protected namespace's without admin + `force`.
 */
export async function requestWarm(rt: JobRuntime, request: WarmRequest, change: ChangeContext): Promise<{ job: JobRecord; created: boolean }> {
  const policy = await rt.cp.namespaces.get(request.clusterId, request.namespace);
  const plan = policy.warmPlan;
  if (plan === null) throw conflict('warm_plan_missing', `namespace '${request.namespace}' has no warm plan (set warmPlan on its policy)`);
  // The allow-list may have changed since the plan was saved; who may set allowPrivateNetworks was checked then.
  checkWarmPlan(plan, null);
  // `nx` never replaces a key, so only overwriting plans (overwrite, version-compare) can hurt protected keys.
  if (plan.writeMode !== 'nx') {
    const policies = await rt.cp.namespaces.list(request.clusterId);
    requireForce(protectionReasons(policy.keyPattern, policies).map((r) => `a '${plan.writeMode}' warm of namespace '${request.namespace}': ${r}`), request.force ?? false, change.principal);
  }
  const params: WarmJobParams = {
    namespace: request.namespace,
    keyPattern: policy.keyPattern,
    ttlSeconds: policy.ttlSeconds,
    ttlJitterPercent: policy.ttlJitterPercent,
    policyVersion: policy.version,
    plan,
    reason: request.reason,
    dryRun: request.dryRun ?? false,
    ...(request.causationId ? { causationId: request.causationId } : {}),
  };
  const id = request.idempotencyKey ? warmJobId(request.clusterId, request.namespace, request.idempotencyKey) : undefined;
  const result = await new JobService(rt).create({ kind: 'warm', clusterId: request.clusterId, namespace: request.namespace, params: { ...params }, estimate: warmEstimates[plan.source.kind], ...(id ? { id } : {}) }, change);
  if (result.created) {
    await rt.cp.streams.record(request.clusterId, change, [
      {
        type: 'RedisClusterManager.Warm.Requested',
        data: {
          clusterId: request.clusterId,
          namespace: request.namespace,
          warmPlan: `namespaces/${request.namespace}@${policy.version}`,
          reason: request.reason,
          jobId: result.job.id,
          ...(request.causationId ? { causationId: request.causationId.slice(0, 128) } : {}),
        },
      },
    ]);
  }
  return result;
}
