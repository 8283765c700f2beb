import type { NodeReading } from '../collection/NodeReading';
import type { ClusterMessaging } from '../messaging/MessagingSnapshot';
import { messagingSubjects, type MessagingSubject } from '../messaging/messagingSubjects';
import { clusterStateValue, nodeValues, type AlertRule, type SubjectMetric } from './alertRules';
import { alertKey, type AlertState, type HotKeySubject } from './AlertState';

/** A key's share of its node's commands over a finished radar (`subjectId`: row-key safe, stable). */
export interface HotKeyValue {
  node: string;
  subject: HotKeySubject;
  subjectId: string;
  value: number;
}

/** What a tick decided: states to write or delete, and the incidents to announce. */
export interface AlertDecision {
  /** New or changed states, by key. */
  upserts: Map<string, AlertState>;
  /** Keys whose state ends (pending that recovered, firing that resolved, subjects gone). */
  deletes: Set<string>;
  /** Firing incidents whose `Alert.Raised` is not recorded yet (new ones and earlier failed announcements). */
  raise: AlertState[];
  /** Incidents that cleared this tick, with the value that cleared them. */
  resolve: { state: AlertState; value: number }[];
}

/**
 * One tick of alert evaluation (pure). Per rule and subject: a breach (beyond `raiseAt`) opens a pending state;
 * once it has lasted `forSeconds` it fires (one `Alert.Raised`); it resolves only when the value is back at or past
 * `clearAt` (one `Alert.Resolved`); between the two thresholds nothing changes. An unknown value (node unreachable
 * for a memory rule, no lookups for the hit ratio) keeps the state as it is; a subject no longer in the cluster ends it.
 */
export function evaluateAlerts(clusterId: string, readings: readonly NodeReading[], rules: readonly AlertRule[], current: ReadonlyMap<string, AlertState>, now: number, messaging?: ClusterMessaging, hotKeys?: readonly HotKeyValue[]): AlertDecision {
  const decision: AlertDecision = { upserts: new Map(), deletes: new Set(), raise: [], resolve: [] };
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const subjects: readonly { node: string | null; value: number | null; subject?: MessagingSubject | HotKeySubject; subjectId?: string }[] =
      rule.scope === 'cluster'
        ? [{ node: null, value: clusterStateValue(readings) }]
        : rule.scope === 'key'
          ? // Only a finished radar knows hot keys: a monitor tick (no `hotKeys`) keeps their states as they are.
            hotKeys ?? [...current.values()].filter((s) => s.rule === rule.id).map((s) => ({ node: s.node, value: null, ...(s.subject ? { subject: s.subject } : {}), ...(s.subjectId ? { subjectId: s.subjectId } : {}) }))
          : rule.scope === 'node'
          ? readings.map((r) => ({ node: r.node, value: rule.metric in nodeValues ? nodeValues[rule.metric as keyof typeof nodeValues](r) : null }))
          : // Without a snapshot (discovery off or failed) the messaging states are kept as they are.
            messaging
            ? messagingSubjects(rule.metric as SubjectMetric, messaging)
            : [...current.values()].filter((s) => s.rule === rule.id).map((s) => ({ node: s.node, value: null, ...(s.subject ? { subject: s.subject } : {}), ...(s.subjectId ? { subjectId: s.subjectId } : {}) }));
    for (const { node, value, subject, subjectId } of subjects) {
      const key = alertKey(rule.id, node, subjectId);
      seen.add(key);
      step(decision, clusterId, rule, key, node, value, current.get(key), now, subject && subjectId ? { subject, subjectId } : undefined);
    }
  }
  // States of disabled rules, removed nodes or removed rules end without an incident of their own.
  for (const [key, state] of current) {
    if (seen.has(key)) continue;
    decision.deletes.add(key);
    if (state.status === 'firing' && state.announced) decision.resolve.push({ state, value: state.value });
  }
  return decision;
}

function step(d: AlertDecision, clusterId: string, rule: AlertRule, key: string, node: string | null, value: number | null, state: AlertState | undefined, now: number, about?: { subject: MessagingSubject | HotKeySubject; subjectId: string }): void {
  if (value === null) {
    if (state?.status === 'firing' && !state.announced) d.raise.push(state);
    return;
  }
  const breached = rule.direction === 'above' ? value > rule.raiseAt : value < rule.raiseAt;
  const cleared = rule.direction === 'above' ? value <= rule.clearAt : value >= rule.clearAt;
  if (!state) {
    if (!breached) return;
    const opened: AlertState = { rule: rule.id, metric: rule.metric, severity: rule.severity, node, status: 'pending', since: now, alertId: null, raisedAt: null, announced: false, value, threshold: rule.raiseAt, lastSeen: now, ...about };
    promote(d, clusterId, rule, key, opened, now);
    return;
  }
  if (state.status === 'pending') {
    if (!breached) d.deletes.add(key);
    else promote(d, clusterId, rule, key, { ...state, value, lastSeen: now }, now);
    return;
  }
  if (cleared) {
    d.deletes.add(key);
    if (state.announced) d.resolve.push({ state, value });
    return;
  }
  const next = { ...state, value, lastSeen: now };
  d.upserts.set(key, next);
  if (!next.announced) d.raise.push(next);
}

/** Fires a pending state whose breach has lasted long enough; otherwise keeps it pending. */
function promote(d: AlertDecision, clusterId: string, rule: AlertRule, key: string, pending: AlertState, now: number): void {
  if (now - pending.since < rule.forSeconds * 1000) {
    d.upserts.set(key, pending);
    return;
  }
  const firing: AlertState = { ...pending, status: 'firing', raisedAt: now, alertId: alertIdOf(clusterId, rule.id, pending.node, pending.since, pending.subjectId), announced: false };
  d.upserts.set(key, firing);
  d.raise.push(firing);
}

/** Stable per incident: the same breach always gets the same id (so a re-announcement is recognisable). */
export function alertIdOf(clusterId: string, rule: string, node: string | null, since: number, subjectId?: string): string {
  const base = `${clusterId}.${rule}.${(node ?? 'cluster').replace(/[^A-Za-z0-9.:-]/g, '_')}.${since}`;
  // The subject id goes first when there is one, so cutting at 128 characters never drops what tells incidents apart.
  return (subjectId ? `${subjectId}.${base}` : base).slice(0, 128);
}
