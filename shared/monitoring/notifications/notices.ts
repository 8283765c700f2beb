import type { EventData, EventType } from '../../platform/events/catalogue';
import type { ReceivedEvent } from '../../platform/events/cloudEventSchema';
import type { noticeFamilies, noticeSeverities } from '../../platform/events/schemas/notificationEvents';

export type NoticeFamily = (typeof noticeFamilies)[number];
export type NoticeSeverity = (typeof noticeSeverities)[number];

/** What people are told about one event: channel formats render it, routing and dedupe read it. */
export interface Notice {
  /**
   * One message per incident and phase: the dedupe key of deliveries (`alert-<alertId>-raised`, `job-<jobId>-failed`).
   * A redelivered event, or the same incident recorded twice after a partial failure, maps to the same key.
   */
  key: string;
  /** The key this notice closes (a resolution closes its raise): it goes only where that one went. */
  closes?: string;
  family: NoticeFamily;
  phase: 'raised' | 'resolved' | 'failed' | 'started' | 'completed';
  severity: NoticeSeverity;
  clusterId: string;
  title: string;
  summary: string;
  /** Label/value pairs shown as a fact list (Teams FactSet, Slack fields). */
  facts: [string, string][];
  event: { id: string; type: string; time: string; data: unknown };
}

type Mapper<T extends EventType> = (data: EventData<T>, event: ReceivedEvent) => Omit<Notice, 'event'> | null;

const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
const where = (clusterId: string, node?: string) => (node ? `${clusterId} / ${node}` : clusterId);

/**
 * The event types people are told about and what they say. Adding a notifiable type is one line here plus the type
 * in the `notify` subscription of `infra/eventgrid-subscriptions.json` (a test keeps the two equal).
 */
export const notifiableEvents: { [T in EventType]?: Mapper<T> } = {
  'RedisClusterManager.Alert.Raised': (d) => ({
    key: `alert-${d.alertId}-raised`,
    family: 'alert',
    phase: 'raised',
    severity: d.severity,
    clusterId: d.clusterId,
    title: `[${d.severity.toUpperCase()}] ${d.rule} on ${where(d.clusterId, d.node)}`,
    summary: `${d.metric} is ${fmt(d.value)} (threshold ${fmt(d.threshold)}) since ${d.raisedAt}`,
    facts: [['cluster', d.clusterId], ...(d.node ? [['node', d.node] as [string, string]] : []), ['rule', d.rule], ['metric', d.metric], ['value', fmt(d.value)], ['threshold', fmt(d.threshold)], ['alert id', d.alertId]],
  }),
  'RedisClusterManager.Alert.Resolved': (d) => ({
    key: `alert-${d.alertId}-resolved`,
    closes: `alert-${d.alertId}-raised`,
    family: 'alert',
    phase: 'resolved',
    severity: d.severity ?? 'info',
    clusterId: d.clusterId,
    title: `[RESOLVED] ${d.rule} on ${where(d.clusterId, d.node)}`,
    summary: `${d.metric} is back at ${fmt(d.value)} (${d.resolvedAt})`,
    facts: [['cluster', d.clusterId], ...(d.node ? [['node', d.node] as [string, string]] : []), ['rule', d.rule], ['metric', d.metric], ['value', fmt(d.value)], ['alert id', d.alertId]],
  }),
  'RedisClusterManager.Job.Finished': (d) =>
    d.status !== 'failed'
      ? null
      : {
          // Same key as Warm.Failed: a failed warm job is one incident, told once by whichever event comes first.
          key: `job-${d.jobId}-failed`,
          family: 'job',
          phase: 'failed',
          severity: 'warning',
          clusterId: d.clusterId,
          title: `[FAILED] ${d.kind} job ${d.jobId} on ${d.clusterId}${d.namespace ? ` / ${d.namespace}` : ''}`,
          summary: d.error ? `${d.error.code}: ${d.error.message}` : `failed after ${d.chunks} chunk(s)`,
          facts: [['cluster', d.clusterId], ...(d.namespace ? [['namespace', d.namespace] as [string, string]] : []), ['job', d.jobId], ['kind', d.kind], ['chunks', String(d.chunks)], ['duration', `${Math.round(d.durationMs / 1000)} s`]],
        },
  'RedisClusterManager.Warm.Failed': (d) => ({
    key: `job-${d.jobId}-failed`,
    family: 'warm',
    phase: 'failed',
    severity: 'warning',
    clusterId: d.clusterId,
    title: `[FAILED] warm ${d.clusterId}${d.namespace ? ` / ${d.namespace}` : ''} (job ${d.jobId})`,
    summary: `${d.error.code}: ${d.error.message}${d.retryable ? ' (retryable)' : ''}`,
    facts: [['cluster', d.clusterId], ...(d.namespace ? [['namespace', d.namespace] as [string, string]] : []), ['job', d.jobId], ['error', d.error.code], ['keys written', String(d.keysWritten ?? 0)], ['keys failed', String(d.keysFailed ?? 0)]],
  }),
  // Slot operations are `info`: a route asks for them (`families: ['slots'], minSeverity: 'info'`); a failed saga is
  // a failed job (Job.Finished above), told at `warning`.
  'RedisClusterManager.Cluster.SlotMigrationStarted': (d) => ({
    key: `slots-${d.jobId}-started`,
    family: 'slots',
    phase: 'started',
    severity: 'info',
    clusterId: d.clusterId,
    title: `[SLOTS] ${d.operation} started on ${d.clusterId} (job ${d.jobId})`,
    summary: `${d.pairs.reduce((n, p) => n + p.slotCount, 0)} slot(s) in ${d.pairs.length} move(s), about ${d.plannedKeys} keys`,
    facts: [['cluster', d.clusterId], ['operation', d.operation], ['job', d.jobId], ['moves', d.pairs.map((p) => `${p.from.slice(0, 8)}→${p.to.slice(0, 8)}: ${p.slotCount}`).slice(0, 5).join(', ')]],
  }),
  'RedisClusterManager.Cluster.Resharded': (d) => ({
    key: `slots-${d.jobId}-completed`,
    family: 'slots',
    phase: 'completed',
    severity: 'info',
    clusterId: d.clusterId,
    title: `[SLOTS] ${d.operation} completed on ${d.clusterId} (job ${d.jobId})`,
    summary: `${d.slotsMoved} slot(s) and ${d.keysMoved} key(s) moved in ${Math.round(d.durationMs / 1000)} s`,
    facts: [['cluster', d.clusterId], ['operation', d.operation], ['job', d.jobId], ['slots moved', String(d.slotsMoved)], ['keys moved', String(d.keysMoved)], ['resumed', String(d.resumed)]],
  }),
};

/** The notice for an event, or null when the event is not one people are told about (e.g. a job that succeeded). */
export function noticeFor(event: ReceivedEvent): Notice | null {
  const map = notifiableEvents[event.type] as Mapper<EventType> | undefined;
  const notice = map?.(event.data as never, event);
  if (!notice) return null;
  return { ...notice, event: { id: event.id, type: event.type, time: event.time ?? new Date().toISOString(), data: event.data } };
}
