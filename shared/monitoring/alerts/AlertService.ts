import { systemPrincipal } from '../../platform/auth/Principal';
import type { ClusterStreams } from '../../platform/registry/ClusterStreams';
import type { DomainEvent } from '../../platform/events/catalogue';
import type { NodeReading } from '../collection/NodeReading';
import type { ClusterMessaging } from '../messaging/MessagingSnapshot';
import type { AlertRuleStore } from './AlertRuleStore';
import { keyOf, type AlertState } from './AlertState';
import type { AlertStateStore } from './AlertStateStore';
import { evaluateAlerts, type AlertDecision, type HotKeyValue } from './evaluateAlerts';

/** What one cluster's evaluation did. */
export interface AlertOutcome {
  raised: AlertState[];
  resolved: AlertState[];
  active: number;
}

/** Appends hold at most 49 events; alerts of one tick are recorded in batches below that. */
const eventsPerAppend = 40;

/**
 * Evaluates a cluster's readings against its rules and keeps the incidents: states in Table Storage, `Alert.Raised`
 * and `Alert.Resolved` recorded in the cluster's stream (audited, published through the outbox). A state is written
 * before its event, and marked announced after it, so a failed publish is retried on the next tick instead of lost.
 */
export class AlertService {
  constructor(
    private readonly states: AlertStateStore,
    readonly rules: AlertRuleStore,
    private readonly streams: ClusterStreams,
  ) {}

  async evaluate(clusterId: string, readings: readonly NodeReading[], now: number, correlationId: string, messaging?: ClusterMessaging): Promise<AlertOutcome> {
    const [rules, current] = await Promise.all([this.rules.rules(clusterId), this.states.load(clusterId)]);
    return this.commit(clusterId, evaluateAlerts(clusterId, readings, rules, current, now, messaging), current, now, correlationId);
  }

  /**
   * A finished hot-key radar's keys against the `key`-scoped rules (`hot_key`): only those rules and their states are
   * looked at, so node and messaging incidents are untouched. A key hot before and absent now resolves.
   */
  async evaluateHotKeys(clusterId: string, hotKeys: readonly HotKeyValue[], now: number, correlationId: string): Promise<AlertOutcome> {
    const [rules, current] = await Promise.all([this.rules.rules(clusterId), this.states.load(clusterId)]);
    const keyRules = rules.filter((r) => r.scope === 'key');
    const ids = new Set(keyRules.map((r) => r.id));
    const own = new Map([...current].filter(([, s]) => ids.has(s.rule)));
    return this.commit(clusterId, evaluateAlerts(clusterId, [], keyRules, own, now, undefined, hotKeys), own, now, correlationId);
  }

  private async commit(clusterId: string, decision: AlertDecision, current: ReadonlyMap<string, AlertState>, now: number, correlationId: string): Promise<AlertOutcome> {
    // Resolved incidents: the event first, then the state goes (a failed record leaves it firing for the next tick).
    const resolvedEvents = decision.resolve.map(({ state, value }): DomainEvent => ({
      type: 'RedisClusterManager.Alert.Resolved',
      data: { clusterId, alertId: state.alertId ?? '', rule: state.rule, metric: state.metric, severity: state.severity, ...(state.node ? { node: state.node } : {}), ...state.subject, value, resolvedAt: new Date(now).toISOString() },
    }));
    const unresolved = new Set<string>();
    try {
      await this.record(clusterId, correlationId, resolvedEvents);
    } catch (error) {
      for (const { state } of decision.resolve) unresolved.add(keyOf(state));
      console.warn(`[monitor] ${clusterId}: recording ${resolvedEvents.length} Alert.Resolved failed; retried next tick: ${(error as Error).message}`);
    }
    await this.states.apply(clusterId, decision.upserts, [...decision.deletes].filter((k) => !unresolved.has(k)));
    const raisedEvents = decision.raise.map((state): DomainEvent => ({
      type: 'RedisClusterManager.Alert.Raised',
      data: {
        clusterId,
        alertId: state.alertId ?? '',
        rule: state.rule,
        severity: state.severity,
        metric: state.metric,
        ...(state.node ? { node: state.node } : {}),
        ...state.subject,
        value: state.value,
        threshold: state.threshold,
        raisedAt: new Date(state.raisedAt ?? now).toISOString(),
      },
    }));
    let raised: AlertState[] = [];
    if (raisedEvents.length) {
      try {
        await this.record(clusterId, correlationId, raisedEvents);
        raised = decision.raise;
        const announced = new Map(raised.map((s) => [keyOf(s), { ...s, announced: true }] as const));
        await this.states.apply(clusterId, announced, []);
      } catch (error) {
        console.warn(`[monitor] ${clusterId}: recording ${raisedEvents.length} Alert.Raised failed; retried next tick: ${(error as Error).message}`);
      }
    }
    const active = [...current.keys(), ...decision.upserts.keys()].filter((k, i, all) => all.indexOf(k) === i && !decision.deletes.has(k)).length;
    return { raised, resolved: decision.resolve.filter(({ state }) => !unresolved.has(keyOf(state))).map(({ state }) => state), active };
  }

  /** Alert states of every cluster, by cluster id (one query). */
  all(): Promise<Map<string, AlertState[]>> {
    return this.states.loadAll();
  }

  /** Alerts of a cluster as kept: firing first, then pending. */
  async active(clusterId: string): Promise<AlertState[]> {
    const states = [...(await this.states.load(clusterId)).values()];
    return states.sort((a, b) => (a.status === b.status ? a.since - b.since : a.status === 'firing' ? -1 : 1));
  }

  private async record(clusterId: string, correlationId: string, events: DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += eventsPerAppend) {
      await this.streams.record(clusterId, { principal: systemPrincipal, correlationId }, events.slice(i, i + eventsPerAppend));
    }
  }
}
