import { get } from '../api';
import type { View } from '../app';
import { empty, h, table } from '../dom';
import { formatDuration, formatTime } from '../format';
import type { Alert, AuditEntry } from '../types';

interface Rule {
  id: string;
  metric: string;
  direction: string;
  raiseAt: number;
  clearAt: number;
  forSeconds: number;
  severity: string;
  enabled: boolean;
  description: string;
}

/** Alerts: firing and pending now, resolved ones from the audit log, and the effective rules. */
export class AlertsSection implements View {
  readonly el = h('section', { class: 'section alerts', 'aria-label': 'Alerts' });

  constructor(private readonly clusterId: string) {}

  async refresh(): Promise<void> {
    const [active, rules, events] = await Promise.all([
      get<{ alerts: Alert[] }>(`/clusters/${this.clusterId}/alerts`),
      get<{ rules: Rule[]; overrides: Record<string, unknown> }>(`/clusters/${this.clusterId}/alert-rules`),
      get<{ items: AuditEntry[] }>(`/clusters/${this.clusterId}/events?limit=200`),
    ]);
    const resolved = events.items.filter((e) => e.type === 'RedisClusterManager.Alert.Resolved');
    this.el.replaceChildren(
      h('h3', {}, 'Active'),
      active.alerts.length === 0
        ? empty('Nothing is firing or pending.')
        : table(
            'Active alerts',
            ['Status', 'Rule', 'Severity', 'Node', 'Value', 'Threshold', 'Since'],
            active.alerts.map((a) => [h('span', { class: `pill ${a.status === 'firing' ? 'error' : 'warning'}` }, a.status), a.rule, a.severity, a.node ?? 'cluster', a.value === null ? '–' : String(Math.round(a.value * 1000) / 1000), String(a.threshold), formatTime(a.since)]),
            [4, 5],
          ),
      h('h3', {}, 'Resolved (audit log)'),
      resolved.length === 0
        ? empty('No alert resolved in the recent audit log.')
        : table('Resolved alerts', ['Rule', 'Node', 'Resolved at'], resolved.map((e) => [String(e.data['rule'] ?? ''), String(e.data['node'] ?? 'cluster'), formatTime(e.time)])),
      h('h3', {}, 'Rules'),
      table(
        'Alert rules',
        ['Rule', 'Fires when', 'Clears at', 'For', 'Severity', 'Enabled'],
        rules.rules.map((r) => [h('span', { title: r.description }, r.id, Object.hasOwn(rules.overrides, r.id) ? ' (override)' : ''), `${r.metric} ${r.direction} ${r.raiseAt}`, String(r.clearAt), formatDuration(r.forSeconds), r.severity, r.enabled ? 'yes' : 'no']),
      ),
    );
  }

  destroy(): void {}
}
