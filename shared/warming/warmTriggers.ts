import { z } from 'zod';
import { systemPrincipal } from '../platform/auth/Principal';
import type { ClusterResource } from '../platform/registry/clusterSpec';
import { parseCloudEvent } from '../platform/events/cloudEventSchema';
import { recordedCopy } from '../platform/events/recordedCopy';
import type { JobRuntime } from '../platform/jobs/jobRuntime';
import type { NamespacePolicyResource } from '../platform/registry/namespacePolicy';
import { firesInMinute, ncrontabProblem, parseNcrontab } from '../platform/schedule/ncrontab';
import { requestWarm, warmJobId } from './requestWarm';
import { warmTriggerCoolDownSeconds } from './warmSettings';
import { takeWarmTriggerSlot, type CoalesceReason } from './warmTriggerSlot';
import { isDomainError } from '../platform/store/DomainError';
import type { WarmPlan } from '../platform/registry/warmPlan';
import { namespaceIn } from '../platform/registry/clusterStreamState';
import { withRedis } from '../platform/redis/redisConnections';

/** Minimal invocation logger (an `InvocationContext` fits). */
export interface TriggerLog {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/**
 * `requestWarm` for the automatic triggers: an overwriting plan that reaches a protected namespace needs a person's
 * admin + force, so automation skips it with a log line instead of failing the whole tick or delivery.
 */
async function warmUnlessProtected(rt: JobRuntime, request: Parameters<typeof requestWarm>[1], change: Parameters<typeof requestWarm>[2], log: TriggerLog): Promise<Awaited<ReturnType<typeof requestWarm>> | null> {
  try {
    return await requestWarm(rt, request, change);
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'namespace_protected') throw error;
    log.warn(`warm of ${request.clusterId}/${request.namespace} skipped: ${error.message}`);
    return null;
  }
}

type Planned = { cluster: ClusterResource; policy: NamespacePolicyResource; plan: WarmPlan };

async function* plannedNamespaces(rt: JobRuntime): AsyncGenerator<Planned> {
  for await (const state of rt.cp.streams.all()) {
    if (!state.cluster) continue;
    for (const policy of Object.values(state.namespaces)) {
      const plan = policy.warmPlan;
      if (plan !== null) yield { cluster: state.cluster, policy, plan };
    }
  }
}

/**
 * Timer tick: starts every plan whose schedule fires in this minute. The job id derives from the minute, so ticks on
 * several instances (or a retried tick) create one job.
 */
export async function runScheduledWarms(rt: JobRuntime, now: Date, log: TriggerLog): Promise<string[]> {
  const minute = now.toISOString().slice(0, 16);
  const started: string[] = [];
  for await (const { cluster, policy, plan } of plannedNamespaces(rt)) {
    if (plan.schedule === null) continue;
    // Saved plans were validated; a schedule stored before a parser change is skipped with a reason, not thrown.
    const problem = ncrontabProblem(plan.schedule);
    if (problem) {
      log.warn(`warm schedule: ${cluster.id}/${policy.namespace} skipped: ${problem}`);
      continue;
    }
    if (!firesInMinute(parseNcrontab(plan.schedule), now)) continue;
    const change = { principal: systemPrincipal, correlationId: `warm-schedule-${minute}` };
    const warm = await warmUnlessProtected(rt, { clusterId: cluster.id, namespace: policy.namespace, reason: 'schedule', idempotencyKey: `schedule:${minute}` }, change, log);
    if (!warm) continue;
    const { job, created } = warm;
    if (created) started.push(job.id);
    log.log(`warm schedule: ${cluster.id}/${policy.namespace} -> job ${job.id}${created ? '' : ' (already started)'}`);
  }
  return started;
}

/**
 * `Keys.Invalidated` (CloudEvents): re-warms the namespace when its plan says `rewarmAfterInvalidation`. Deduped by
 * event id; the job id derives from the invalidation job, so a redelivery never starts a second warm.
 *
 * The payload is never trusted to start a warm: the cluster, namespace and invalidation job are those of the event
 * as recorded in the cluster's stream by the invalidation job (`recordedCopy`); a delivery with no recorded copy
 * (forged, or naming another event's id) is logged and dropped.
 */
export async function warmAfterInvalidation(rt: JobRuntime, raw: unknown, log: TriggerLog): Promise<string | null> {
  const parsed = parseCloudEvent(raw);
  if (!parsed.ok) {
    log.warn(`warmOnInvalidation: ${parsed.problem}`);
    return null;
  }
  const event = parsed.event;
  if (event.type !== 'RedisClusterManager.Keys.Invalidated') {
    log.warn(`warmOnInvalidation: event ${event.id} of type ${event.type} ignored`);
    return null;
  }
  const recorded = await recordedCopy(rt.cp.streams.store, event);
  if (recorded?.type !== 'RedisClusterManager.Keys.Invalidated') {
    log.warn(`warmOnInvalidation: event ${event.id} is not recorded in the stream of cluster '${event.data.clusterId}'; ignored`);
    return null;
  }
  const { clusterId, namespace, jobId } = recorded.data;
  if (!namespace) return null;
  let started: string | null = null;
  await rt.cp.dedupe.once('warm-on-invalidation', event.id, async () => {
    const { state } = await rt.cp.streams.load(clusterId);
    const plan = namespaceIn(state, namespace)?.warmPlan;
    if (!state.cluster || !plan || !plan.rewarmAfterInvalidation) {
      log.log(`warmOnInvalidation: ${clusterId}/${namespace} has no plan that re-warms after invalidation`);
      return;
    }
    const change = { principal: systemPrincipal, correlationId: event.id };
    const warm = await warmUnlessProtected(rt, { clusterId, namespace, reason: 'invalidation', causationId: event.id, idempotencyKey: `invalidation:${jobId}` }, change, log);
    if (!warm) return;
    const { job } = warm;
    started = job.id;
    log.log(`warmOnInvalidation: ${clusterId}/${namespace} invalidated by job ${jobId} -> warm job ${job.id}`);
  });
  return started;
}

/** The Azure Cache system events warming reacts to (Event Grid schema). */
export const azureMaintenanceTypes = ['Microsoft.Cache.PatchingCompleted', 'Microsoft.Cache.ScalingCompleted'] as const;

const azureEventSchema = z.looseObject({
  /** Bounded as CloudEvents ids are (Azure's own are GUIDs): the id becomes the warm's correlation id, stored per event. */
  id: z.string().min(1).max(256),
  eventType: z.enum(azureMaintenanceTypes),
  /** The cache's ARM resource id (set by Event Grid for a system topic); `subject` is the event name. */
  topic: z.string().min(1),
  subject: z.string().optional(),
  data: z.looseObject({ status: z.string().optional() }).optional(),
});

/** ARM resource ids compare case-insensitively, as a whole: no suffix (same cache name elsewhere), no prefix (`prod` vs `prod-eu`). */
export function sameAzureResource(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Coalesced events recorded in the stream per job and reason: the first 10, then every 100th (a flood must not flood the audit log). */
const auditsCoalesced = (ofReason: number | null): boolean => ofReason !== null && (ofReason <= 10 || ofReason % 100 === 0);

/**
 * `Microsoft.Cache.PatchingCompleted` / `ScalingCompleted` from the cache's system topic: finds the registrations
 * whose `azureResourceId` is exactly the event's `topic` (the cache's ARM id; case-insensitive) and starts every plan
 * with `rewarmAfterMaintenance`, once per event. The event comes from Azure, not the manager, so there is no recorded
 * copy to check it against: the registration and plan are read from the live state, and the cache must answer (PING,
 * bounded at 5 s) before it is warmed; a cache that does not answer throws, so Event Grid redelivers later.
 *
 * Anyone holding the webhook key can send such events with fresh ids, and a maintenance emits several: at most one
 * of these warms per (cluster, namespace) is queued or running, and none starts for `WARM_TRIGGER_COOLDOWN_SECONDS`
 * after it finished (`takeWarmTriggerSlot`, a conditional write shared by every instance). A later event is coalesced
 * into that job (`Warm.TriggerCoalesced`, a log line) and acknowledged, without touching the cache.
 */
export async function warmAfterAzureMaintenance(rt: JobRuntime, raw: unknown, log: TriggerLog): Promise<string[]> {
  const parsed = azureEventSchema.safeParse(raw);
  if (!parsed.success) {
    log.warn(`warmOnAzureMaintenance: not a PatchingCompleted/ScalingCompleted event (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
    return [];
  }
  const event = parsed.data;
  if (event.data?.status && !/^succeeded$/i.test(event.data.status)) {
    log.log(`warmOnAzureMaintenance: ${event.eventType} ${event.id} status ${event.data.status}; nothing to warm`);
    return [];
  }
  const coolDownMs = warmTriggerCoolDownSeconds() * 1000;
  const started: string[] = [];
  await rt.cp.dedupe.once('warm-on-azure-maintenance', event.id, async () => {
    const answered = new Set<string>();
    let matched = 0;
    for await (const { cluster, policy, plan } of plannedNamespaces(rt)) {
      if (cluster.azureResourceId === undefined || !sameAzureResource(cluster.azureResourceId, event.topic) || !plan.rewarmAfterMaintenance) continue;
      matched++;
      const where = `${cluster.id}/${policy.namespace}`;
      const idempotencyKey = `azure:${event.id}`;
      const slot = await takeWarmTriggerSlot(rt, cluster.id, policy.namespace, warmJobId(cluster.id, policy.namespace, idempotencyKey), coolDownMs);
      if (!slot.taken) {
        log.log(`warmOnAzureMaintenance: ${event.eventType} ${event.id} on ${where} coalesced into warm job ${slot.jobId} (${slot.reason}; ${slot.coalesced ?? 'uncounted'} coalesced into it)`);
        if (auditsCoalesced(slot.ofReason)) await recordCoalesced(rt, cluster.id, policy.namespace, event, slot, log);
        continue;
      }
      let warm: Awaited<ReturnType<typeof warmUnlessProtected>>;
      try {
        if (!answered.has(cluster.id)) {
          try {
            await withRedis(cluster, async (connection) => (await connection.client()).ping(), { timeoutMs: 5000 });
          } catch (error) {
            log.warn(`warmOnAzureMaintenance: ${event.eventType} ${event.id} on ${cluster.id}: the cache does not answer (${error instanceof Error ? error.message : String(error)}); redelivery will retry`);
            throw error;
          }
          answered.add(cluster.id);
        }
        const change = { principal: systemPrincipal, correlationId: event.id };
        warm = await warmUnlessProtected(rt, { clusterId: cluster.id, namespace: policy.namespace, reason: 'azure-maintenance', causationId: event.id, idempotencyKey }, change, log);
      } catch (error) {
        await slot.release();
        throw error;
      }
      if (!warm) {
        await slot.release();
        continue;
      }
      const { job } = warm;
      started.push(job.id);
      log.log(`warmOnAzureMaintenance: ${event.eventType} on ${cluster.id} -> warm ${policy.namespace} job ${job.id}`);
    }
    if (matched === 0) log.log(`warmOnAzureMaintenance: ${event.eventType} ${event.id}: no registration of ${event.topic} has a plan that re-warms after maintenance`);
  });
  return started;
}

/** `Warm.TriggerCoalesced` in the cluster's stream; a stream too busy to take it costs the record, never the delivery. */
async function recordCoalesced(rt: JobRuntime, clusterId: string, namespace: string, event: { id: string; eventType: string }, slot: { jobId: string; reason: CoalesceReason; coalesced: number | null }, log: TriggerLog): Promise<void> {
  try {
    await rt.cp.streams.record(clusterId, { principal: systemPrincipal, correlationId: event.id }, [
      {
        type: 'RedisClusterManager.Warm.TriggerCoalesced',
        data: { clusterId, namespace, jobId: slot.jobId, causationId: event.id.slice(0, 128), eventType: event.eventType, reason: slot.reason, ...(slot.coalesced !== null ? { coalesced: slot.coalesced } : {}) },
      },
    ]);
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'concurrency_conflict') throw error;
    log.warn(`warmOnAzureMaintenance: event ${event.id} coalesced into ${slot.jobId}, not recorded: ${error.message}`);
  }
}
