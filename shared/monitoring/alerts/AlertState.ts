import type { MessagingSubject } from '../messaging/messagingSubjects';
import type { AlertMetric, AlertSeverity } from './alertRules';

/** What a hot-key alert is about inside the node. */
export interface HotKeySubject {
  key: string;
}

/** One open incident (or would-be incident) of a rule on a node or the whole cluster, as kept between ticks. */
export interface AlertState {
  rule: string;
  metric: AlertMetric;
  severity: AlertSeverity;
  /** host:port, null for cluster-scoped rules. */
  node: string | null;
  /** `pending`: breached, waiting for `forSeconds`; `firing`: raised. */
  status: 'pending' | 'firing';
  /** When the breach started (ms). */
  since: number;
  /** Set when it fires; identifies the incident in both events. */
  alertId: string | null;
  raisedAt: number | null;
  /** `Alert.Raised` recorded (false between firing and the event being stored: retried next tick). */
  announced: boolean;
  value: number;
  threshold: number;
  /** Last time the value was seen (ms). */
  lastSeen: number;
  /** Messaging rules: the stream / group / consumer inside the node, and its row-key safe id. */
  subject?: MessagingSubject | HotKeySubject;
  subjectId?: string;
}

/** Row key of an alert state: `<rule>~<node or cluster>`, plus `~<subject id>` for messaging subjects. */
export function alertKey(rule: string, node: string | null, subjectId?: string): string {
  return `${rule}~${node ?? 'cluster'}${subjectId ? `~${subjectId}` : ''}`;
}

/** The row key of a kept state. */
export function keyOf(state: Pick<AlertState, 'rule' | 'node' | 'subjectId'>): string {
  return alertKey(state.rule, state.node, state.subjectId);
}
