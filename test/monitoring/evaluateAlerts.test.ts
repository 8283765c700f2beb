import { describe, expect, it } from 'vitest';
import { effectiveRules, invertedHysteresis } from '../../shared/monitoring/alerts/alertRules';
import type { AlertState } from '../../shared/monitoring/alerts/AlertState';
import { evaluateAlerts } from '../../shared/monitoring/alerts/evaluateAlerts';
import type { NodeReading } from '../../shared/monitoring/collection/NodeReading';
import { reading } from './readings';

const memoryRules = effectiveRules({ memory_high: { raiseAt: 0.8, clearAt: 0.7, forSeconds: 120 } }).map((r) => (r.id === 'memory_high' ? r : { ...r, enabled: false }));

/** Runs ticks of (time s, memory ratio) and returns the events in order. */
function run(ticks: [number, number | null][], rules = memoryRules): string[] {
  let states = new Map<string, AlertState>();
  const events: string[] = [];
  for (const [t, ratio] of ticks) {
    const readings: NodeReading[] = [reading({ memoryUsedRatio: ratio, maxmemoryBytes: 100, reachable: ratio !== null })];
    const d = evaluateAlerts('c1', readings, rules, states, t * 1000);
    const next = new Map(states);
    for (const k of d.deletes) next.delete(k);
    for (const [k, s] of d.upserts) next.set(k, s);
    for (const s of d.raise) {
      events.push(`raised@${t}`);
      next.set(`${s.rule}~${s.node}`, { ...s, announced: true });
    }
    for (const _ of d.resolve) events.push(`resolved@${t}`);
    states = next;
  }
  return events;
}

describe('evaluateAlerts', () => {
  it('fires once after the minimum duration and resolves once below the clear threshold', () => {
    expect(run([[0, 0.85], [60, 0.9], [120, 0.95], [180, 0.9], [240, 0.6], [300, 0.6]])).toEqual(['raised@120', 'resolved@240']);
  });

  it('a breach shorter than the minimum duration raises nothing', () => {
    expect(run([[0, 0.85], [60, 0.9], [90, 0.5], [150, 0.85]])).toEqual([]);
  });

  it('hysteresis: hovering between clear and raise thresholds neither resolves nor re-raises', () => {
    expect(run([[0, 0.9], [120, 0.9], [180, 0.75], [240, 0.81], [300, 0.75], [360, 0.79]])).toEqual(['raised@120']);
  });

  it('an unknown value (node unreachable) keeps the incident open instead of resolving it', () => {
    expect(run([[0, 0.9], [120, 0.9], [180, null], [240, null], [300, 0.5]])).toEqual(['raised@120', 'resolved@300']);
  });

  it('a firing alert whose announcement failed is announced again on the next tick, not twice when it succeeded', () => {
    const rules = effectiveRules().map((r) => (r.id === 'node_unreachable' ? r : { ...r, enabled: false }));
    const first = evaluateAlerts('c1', [reading({ reachable: false })], rules, new Map(), 0);
    expect(first.raise).toHaveLength(1);
    const failed = new Map(first.upserts); // stored, but the event was not recorded
    expect(evaluateAlerts('c1', [reading({ reachable: false })], rules, failed, 60_000).raise).toHaveLength(1);
    const announced = new Map([...first.upserts].map(([k, s]) => [k, { ...s, announced: true }]));
    expect(evaluateAlerts('c1', [reading({ reachable: false })], rules, announced, 60_000).raise).toHaveLength(0);
  });

  it('cluster_state_fail is one incident for the cluster, not one per node', () => {
    const rules = effectiveRules().map((r) => (r.id === 'cluster_state_fail' ? r : { ...r, enabled: false }));
    const nodes = ['a:1', 'b:1', 'c:1'].map((node) => reading({ node, clusterStateOk: false }));
    const d = evaluateAlerts('c1', nodes, rules, new Map(), 0);
    expect(d.raise.map((s) => [s.rule, s.node])).toEqual([['cluster_state_fail', null]]);
  });

  it('overrides keep the default hysteresis gap; an inverted one is reported', () => {
    expect(effectiveRules({ memory_high: { raiseAt: 0.5 } }).find((r) => r.id === 'memory_high')).toMatchObject({ raiseAt: 0.5, clearAt: 0.45 });
    expect(invertedHysteresis(effectiveRules({ hit_ratio_low: { raiseAt: 0.9, clearAt: 0.5 } }))).toEqual(['rules.hit_ratio_low.clearAt']);
  });
});
