import type { TableClient } from '@azure/data-tables';
import type { ChangeContext } from '../../platform/registry/ClusterStreams';
import { preconditionFailed, validationError } from '../../platform/store/DomainError';
import { effectiveRules, invertedHysteresis, type AlertRule, type AlertRuleOverrides } from './alertRules';

/** A cluster's alert-rule overrides as the API shows them. */
export interface AlertRuleResource {
  clusterId: string;
  /** 0 = never changed (defaults only). */
  version: number;
  overrides: AlertRuleOverrides['rules'];
  rules: AlertRule[];
  updatedAt: string | null;
  updatedBy: string | null;
  /** The newest changes first: who, when, what (the audit trail of this resource). */
  history: { version: number; at: string; by: string; correlationId: string; overrides: AlertRuleOverrides['rules'] }[];
}

interface CurrentRow {
  version: number;
  overrides: string;
  updatedAt: string;
  updatedBy: string;
}

const historyRow = (version: number) => `v-${String(version).padStart(10, '0')}`;

/**
 * Per-cluster overrides of the default alert rules (`<prefix>alertrules`): a `current` row and one history row per
 * change, written in one transaction (so no change goes unaudited), versioned for `If-Match`.
 */
export class AlertRuleStore {
  constructor(private readonly table: TableClient) {}

  async get(clusterId: string, historyLimit = 20): Promise<AlertRuleResource> {
    const current = await this.current(clusterId);
    const history: AlertRuleResource['history'] = [];
    if (current) {
      const rows = this.table.listEntities<{ rowKey: string; version: number; at: string; by: string; correlationId: string; overrides: string }>({
        queryOptions: { filter: `PartitionKey eq '${clusterId}' and RowKey ge 'v-' and RowKey lt 'v.'` },
      });
      for await (const row of rows) history.push({ version: row.version, at: row.at, by: row.by, correlationId: row.correlationId, overrides: JSON.parse(row.overrides) as AlertRuleOverrides['rules'] });
      history.sort((a, b) => b.version - a.version).splice(historyLimit);
    }
    const overrides = current ? (JSON.parse(current.overrides) as AlertRuleOverrides['rules']) : {};
    return { clusterId, version: current?.version ?? 0, overrides, rules: effectiveRules(overrides), updatedAt: current?.updatedAt ?? null, updatedBy: current?.updatedBy ?? null, history };
  }

  /** Effective rules of a cluster (defaults when it has no overrides). */
  async rules(clusterId: string): Promise<AlertRule[]> {
    const current = await this.current(clusterId);
    return effectiveRules(current ? (JSON.parse(current.overrides) as AlertRuleOverrides['rules']) : {});
  }

  /** Replaces the overrides; `ifMatch` = the version the caller read (412 when it moved on). */
  async put(clusterId: string, overrides: AlertRuleOverrides['rules'], change: ChangeContext, ifMatch?: number): Promise<AlertRuleResource> {
    const inverted = invertedHysteresis(effectiveRules(overrides));
    if (inverted.length) {
      throw validationError('validation_failed', 'clearAt must not lie beyond raiseAt (the alert would flap)', inverted.map((field) => ({ field: `body.${field}`, message: 'clearAt is beyond raiseAt for this rule direction' })));
    }
    const existing = await this.current(clusterId);
    const version = existing?.version ?? 0;
    if (ifMatch !== undefined && ifMatch !== version) throw preconditionFailed(`alert rules of '${clusterId}' are at version ${version}, not ${ifMatch}`);
    const at = new Date().toISOString();
    const by = `${change.principal.kind}:${change.principal.id}`;
    const row = { partitionKey: clusterId, rowKey: 'current', version: version + 1, overrides: JSON.stringify(overrides), updatedAt: at, updatedBy: by };
    try {
      await this.table.submitTransaction([
        existing ? ['update', row, 'Replace', { etag: existing.etag }] : ['create', row],
        ['create', { partitionKey: clusterId, rowKey: historyRow(version + 1), version: version + 1, at, by, correlationId: change.correlationId, overrides: row.overrides }],
      ]);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 409 || status === 412) throw preconditionFailed(`alert rules of '${clusterId}' changed concurrently; read them again`);
      throw error;
    }
    return this.get(clusterId);
  }

  private async current(clusterId: string): Promise<(CurrentRow & { etag: string }) | undefined> {
    try {
      return await this.table.getEntity<CurrentRow>(clusterId, 'current');
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }
}
