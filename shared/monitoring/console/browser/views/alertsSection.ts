import { ApiProblem, call, get, problemText } from '../api';
import type { AppContext, View } from '../app';
import { formDialog } from '../dialog';
import { actionButton, empty, h, table } from '../dom';
import { formatDuration, formatTime } from '../format';
import { permission } from '../permissions';
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

/** What PUT /alert-rules takes per rule: every field optional, the rest stays the default. */
type Override = Partial<Pick<Rule, 'enabled' | 'severity' | 'raiseAt' | 'clearAt' | 'forSeconds'>>;

interface RulesAnswer {
  rules: Rule[];
  overrides: Record<string, Override>;
  version: number;
}

/**
 * Alerts: firing and pending now, resolved ones from the audit log, and the effective rules. Operators edit a rule
 * (thresholds, duration, severity, on/off) in a dialog; the save sends `If-Match` with the version the dialog was
 * opened on, so a change someone else made meanwhile is refused (412) and said so, never overwritten.
 */
export class AlertsSection implements View {
  readonly el = h('section', { class: 'section alerts', 'aria-label': 'Alerts' });

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {}

  async refresh(): Promise<void> {
    const [active, rules, events] = await Promise.all([
      get<{ alerts: Alert[] }>(`/clusters/${this.clusterId}/alerts`),
      call<RulesAnswer>('GET', `/clusters/${this.clusterId}/alert-rules`),
      get<{ items: AuditEntry[] }>(`/clusters/${this.clusterId}/events?limit=200`),
    ]);
    const resolved = events.items.filter((e) => e.type === 'RedisClusterManager.Alert.Resolved');
    const { json: answer, etag } = rules;
    const may = permission(this.ctx.role, 'editAlertRules');
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
      h('p', { class: 'summary' }, `Version ${answer.version}. Changes apply from the next monitor tick and are kept in the rules' history with who made them.`),
      table(
        'Alert rules',
        ['Rule', 'Fires when', 'Clears at', 'For', 'Severity', 'Enabled', 'Actions'],
        answer.rules.map((r) => [
          h('span', { title: r.description }, r.id, Object.hasOwn(answer.overrides, r.id) ? ' (override)' : ''),
          `${r.metric} ${r.direction} ${r.raiseAt}`,
          String(r.clearAt),
          formatDuration(r.forSeconds),
          r.severity,
          r.enabled ? 'yes' : 'no',
          actionButton('Edit', may, () => void this.edit(r, answer, etag), { 'data-action': 'edit-rule', 'data-rule': r.id }),
        ]),
      ),
    );
  }

  /** One rule in a dialog; saved as the whole override set, conditional on the version shown. */
  private async edit(rule: Rule, answer: RulesAnswer, etag: string | null): Promise<void> {
    const field = (label: string, input: HTMLElement, hint?: string) => h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
    const severity = h('select', { name: 'severity', id: 'rule-severity' }, ...['info', 'warning', 'critical'].map((s) => h('option', { value: s, selected: s === rule.severity }, s)));
    const values = await formDialog(
      `Edit alert rule ${rule.id} on ${this.clusterId}`,
      [
        h('p', { class: 'muted' }, rule.description),
        field('Enabled', h('input', { name: 'enabled', id: 'rule-enabled', type: 'checkbox', checked: rule.enabled })),
        field(`Fires when ${rule.metric} is ${rule.direction}`, h('input', { name: 'raiseAt', id: 'rule-raise', type: 'number', step: 'any', required: true, value: rule.raiseAt })),
        field('Clears at', h('input', { name: 'clearAt', id: 'rule-clear', type: 'number', step: 'any', required: true, value: rule.clearAt }), rule.direction === 'above' ? 'at or below the firing threshold' : 'at or above the firing threshold'),
        field('For (seconds the breach must last)', h('input', { name: 'forSeconds', id: 'rule-for', type: 'number', min: 0, max: 86400, step: 1, required: true, value: rule.forSeconds })),
        field('Severity', severity),
      ],
      'Save',
    );
    if (!values) return;
    const edited: Override = { enabled: values.get('enabled') !== null, severity: String(values.get('severity')), raiseAt: Number(values.get('raiseAt')), clearAt: Number(values.get('clearAt')), forSeconds: Number(values.get('forSeconds')) };
    const overrides = { ...answer.overrides, [rule.id]: edited };
    try {
      await call('PUT', `/clusters/${this.clusterId}/alert-rules`, { rules: overrides }, etag ? { 'if-match': etag } : {});
      this.ctx.notify('ok', `Alert rule ${rule.id} saved on ${this.clusterId}`);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 412) this.ctx.notify('error', 'Changed by someone else — reload', `The alert rules of ${this.clusterId} changed after you opened them; nothing was saved. The view now shows the current rules: edit again.`);
      else this.ctx.notify('error', ...problemText(error));
    }
    this.ctx.refreshSoon();
  }

  destroy(): void {}
}
