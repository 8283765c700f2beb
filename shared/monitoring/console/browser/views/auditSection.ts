import { get } from '../api';
import type { View } from '../app';
import { empty, h, table } from '../dom';
import { formatTime } from '../format';
import type { AuditEntry } from '../types';

/** The short name of an event type: `RedisClusterManager.Namespace.PolicyChanged` → `Namespace.PolicyChanged`. */
const shortType = (type: string) => type.replace(/^RedisClusterManager\./, '');

/** Audit log: who did what and when, filterable by text over principal, type and subject (client side, last 200). */
export class AuditSection implements View {
  readonly el = h('section', { class: 'section audit', 'aria-label': 'Audit log' });
  private readonly filter = h('input', { type: 'search', id: 'audit-filter', placeholder: 'filter: who, what, subject', autocomplete: 'off' });
  private readonly body = h('div', {});
  private items: AuditEntry[] = [];

  constructor(private readonly clusterId: string) {
    this.filter.addEventListener('input', () => this.render());
    this.el.append(h('label', { for: 'audit-filter', class: 'field inline' }, h('span', {}, 'Filter')), this.filter, this.body);
  }

  async refresh(): Promise<void> {
    this.items = (await get<{ items: AuditEntry[] }>(`/clusters/${this.clusterId}/events?limit=200`)).items;
    this.render();
  }

  private render(): void {
    const q = this.filter.value.trim().toLowerCase();
    const shown = q === '' ? this.items : this.items.filter((e) => `${e.principal.id} ${e.principal.role} ${e.type} ${e.subject}`.toLowerCase().includes(q));
    this.body.replaceChildren(
      shown.length === 0
        ? empty(q ? 'No entry matches the filter.' : 'The audit log is empty.')
        : table('Audit log', ['When', 'Who', 'What', 'Subject'], shown.map((e) => [formatTime(e.time), `${e.principal.id} (${e.principal.role})`, shortType(e.type), h('code', {}, e.subject)])),
    );
  }

  destroy(): void {}
}
