import { createHash } from 'node:crypto';
import type { SubjectMetric } from '../alerts/alertRules';
import type { ClusterMessaging } from './MessagingSnapshot';

/** What a messaging alert is about. */
export interface MessagingSubject {
  stream: string;
  group?: string;
  consumer?: string;
}

export interface SubjectValue {
  node: string;
  subject: MessagingSubject;
  /** Row-key safe and stable id of the subject (hash: stream names may hold any byte). */
  subjectId: string;
  value: number | null;
}

const idOf = (node: string, s: MessagingSubject): string => createHash('sha256').update(JSON.stringify([node, s.stream, s.group ?? null, s.consumer ?? null])).digest('hex').slice(0, 20);

/**
 * The value of a subject metric for every stream, group or consumer of the snapshot. A value of 0 means "fine"
 * (it clears), null "unknown this tick" (the alert state is kept):
 * - `stream_lag_growth_intervals`: the group's lag streak;
 * - `stream_oldest_pending_idle_s`: idle of the group's lowest pending entry, 0 without pending entries;
 * - `stream_consumer_idle_s`: the consumer's idle while it holds pending entries, else 0;
 * - `stream_unbounded_length`: length of a never-trimmed stream that grew this interval, 0 once trimmed, null when
 *   it did not grow (a stream that stopped growing neither raises nor clears).
 */
export function messagingSubjects(metric: SubjectMetric, messaging: ClusterMessaging | undefined): SubjectValue[] {
  const out: SubjectValue[] = [];
  const push = (node: string, subject: MessagingSubject, value: number | null) => out.push({ node, subject, subjectId: idOf(node, subject), value });
  for (const n of messaging?.nodes ?? []) {
    for (const s of n.streams) {
      if (metric === 'stream_unbounded_length') {
        push(n.node, { stream: s.key }, s.capped ? 0 : (s.addedSinceLast ?? 0) > 0 ? s.length : null);
        continue;
      }
      for (const g of s.groups) {
        if (metric === 'stream_lag_growth_intervals') push(n.node, { stream: s.key, group: g.name }, g.lagGrowthIntervals);
        else if (metric === 'stream_oldest_pending_idle_s') push(n.node, { stream: s.key, group: g.name }, g.pending > 0 ? (g.oldestPendingIdleMs ?? 0) / 1000 : 0);
        else for (const c of g.consumers) push(n.node, { stream: s.key, group: g.name, consumer: c.name }, c.pending > 0 ? c.idleMs / 1000 : 0);
      }
    }
  }
  return out;
}
