import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { ruleOverrideSchema } from '../../platform/events/schemas/alertEvents';
import { systemPrincipal } from '../../platform/auth/Principal';
import type { ChangeContext, ClusterStreams } from '../../platform/registry/ClusterStreams';
import type { ClusterStreamState } from '../../platform/registry/clusterStreamState';
import { hasRole } from '../../platform/auth/Principal';
import { forbidden, notFound, preconditionFailed, validationError } from '../../platform/store/DomainError';
import { effectiveRules, invertedHysteresis, thresholdsOutOfRange, weakenedCriticalRules, type AlertRule, type AlertRuleOverrides } from './alertRules';

/** A cluster's alert-rule overrides as the API shows them. */
export interface AlertRuleResource {
  clusterId: string;
  /** 0 = never changed (defaults only). */
  version: number;
  overrides: AlertRuleOverrides['rules'];
  rules: AlertRule[];
  updatedAt: string | null;
  updatedBy: string | null;
  /** The newest changes first (up to 20): who, when, what. The whole trail is the cluster's audit log. */
  history: { version: number; at: string; by: string; correlationId: string; overrides: AlertRuleOverrides['rules'] }[];
}

type AlertRulesState = NonNullable<ClusterStreamState['alertRules']>;

const legacyOverrides = z.record(z.string(), ruleOverrideSchema);

/** A partial record's own entries without `undefined` values (what JSON keeps anyway). */
const definedEntries = <T>(record: Partial<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).filter((entry): entry is [string, T] => entry[1] !== undefined));

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The `current` row of the `<prefix>alertrules` table, where earlier releases kept the overrides. */
interface LegacyRow {
  version: number;
  overrides: string;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Per-cluster overrides of the default alert rules, event-sourced like every admin change: `PUT` appends
 * `Alert.RulesChanged` to the cluster's stream (so it is in the audit log and published), and the stream's projection
 * keeps the current overrides, their own version (`If-Match`) and the last changes. Reading them is one read of the
 * stream's head row.
 *
 * Earlier releases kept the overrides in the `<prefix>alertrules` table. A cluster whose stream has no rules yet is
 * looked up there once per process; overrides found are recorded as a `RulesChanged` event by the system principal
 * (`migratedFrom` says who made them and when), so nothing tuned before an upgrade silently reverts to defaults.
 */
export class AlertRuleStore {
  private readonly legacyChecked = new Set<string>();

  constructor(
    private readonly streams: ClusterStreams,
    private readonly legacy?: TableClient,
  ) {}

  async get(clusterId: string): Promise<AlertRuleResource> {
    const rules = await this.current(clusterId);
    const overrides = (rules?.overrides ?? {}) as AlertRuleOverrides['rules'];
    return {
      clusterId,
      version: rules?.version ?? 0,
      overrides,
      rules: effectiveRules(overrides),
      updatedAt: rules?.updatedAt ?? null,
      updatedBy: rules?.updatedBy ?? null,
      history: (rules?.history ?? []).map((h) => ({ ...h, overrides: h.overrides as AlertRuleOverrides['rules'] })),
    };
  }

  /** Effective rules of a cluster (defaults when it has no overrides). */
  async rules(clusterId: string): Promise<AlertRule[]> {
    return effectiveRules(((await this.current(clusterId))?.overrides ?? {}) as AlertRuleOverrides['rules']);
  }

  /** Replaces the overrides; `ifMatch` = the version the caller read (412 when it moved on). */
  async put(clusterId: string, overrides: AlertRuleOverrides['rules'], change: ChangeContext, ifMatch?: number): Promise<AlertRuleResource> {
    const after = effectiveRules(overrides);
    const outOfRange = thresholdsOutOfRange(after);
    if (outOfRange.length) throw validationError('validation_failed', 'a threshold lies outside what its metric can be', outOfRange.map((e) => ({ field: `body.${e.field}`, message: e.message })));
    const inverted = invertedHysteresis(after);
    if (inverted.length) {
      throw validationError('validation_failed', 'clearAt must not lie beyond raiseAt (the alert would flap)', inverted.map((field) => ({ field: `body.${field}`, message: 'clearAt is beyond raiseAt for this rule direction' })));
    }
    await this.current(clusterId); // carries over overrides of the legacy table first, so versions continue from them
    await this.streams.change(clusterId, change, (state) => {
      if (!state.cluster) throw notFound('cluster_not_found', `cluster '${clusterId}' is not registered`);
      const weakened = weakenedCriticalRules(effectiveRules((state.alertRules?.overrides ?? {}) as AlertRuleOverrides['rules']), after);
      if (weakened.length && !hasRole(change.principal.role, 'admin')) throw forbidden(`turning off or downgrading a critical rule (${weakened.join(', ')}) needs the admin role`);
      const version = state.alertRules?.version ?? 0;
      if (ifMatch !== undefined && ifMatch !== version) throw preconditionFailed(`alert rules of '${clusterId}' are at version ${version}, not ${ifMatch}`);
      return [{ type: 'RedisClusterManager.Alert.RulesChanged', data: { clusterId, version: version + 1, overrides: definedEntries(overrides) } }];
    });
    return this.get(clusterId);
  }

  private async current(clusterId: string): Promise<AlertRulesState | undefined> {
    const { state } = await this.streams.load(clusterId);
    if (state.alertRules || !state.cluster || !this.legacy || this.legacyChecked.has(clusterId)) return state.alertRules;
    const row = await this.legacyRow(clusterId);
    const overrides = row ? legacyOverrides.safeParse(parseJson(row.overrides)) : undefined;
    if (row && overrides?.success) {
      const { state: after } = await this.streams.change(clusterId, { principal: systemPrincipal, correlationId: `alertrules-migration-${clusterId}` }, (now) =>
        now.alertRules || !now.cluster
          ? []
          : [
              {
                type: 'RedisClusterManager.Alert.RulesChanged',
                data: { clusterId, version: row.version, overrides: overrides.data, migratedFrom: { updatedAt: row.updatedAt, updatedBy: row.updatedBy } },
              },
            ],
      );
      this.legacyChecked.add(clusterId);
      return after.alertRules;
    }
    this.legacyChecked.add(clusterId);
    return undefined;
  }

  private async legacyRow(clusterId: string): Promise<LegacyRow | undefined> {
    try {
      return await this.legacy?.getEntity<LegacyRow>(clusterId, 'current');
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }
}
