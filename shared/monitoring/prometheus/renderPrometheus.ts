import type { HealthFindingsSummary } from '../../platform/findings/healthFindingsTable';
import type { JobRecord } from '../../platform/jobs/JobRecord';
import type { AlertState } from '../alerts/AlertState';
import { Exposition, labelSet } from './Exposition';
import { exporterFamilies as x, rcmFamilies as r, streamFamilies as st } from './prometheusFamilies';
import { scrapeColumns, type ScrapeRow } from './scrapeRow';

/** What one cluster contributes to a scrape, all read from Table Storage. */
export interface ClusterSnapshot {
  clusterId: string;
  row: ScrapeRow | undefined;
  alerts: readonly AlertState[];
  /** The latest recorded health findings (the healthSnapshot timer, or the last `GET …/health`). */
  findings?: HealthFindingsSummary | undefined;
}

export interface RenderOptions {
  now: number;
  /** A cluster whose last tick is older than this has its node series left out, so Prometheus marks them stale. */
  maxSampleAgeMs: number;
  /** Findings recorded longer ago than this are left out (stale, not flat). @default 15 minutes */
  maxFindingsAgeMs?: number;
}

/**
 * The text exposition of every registered cluster's latest stored samples (no Redis round trip): redis_exporter's
 * names and labels for the overlap, plus `rcm_…` families (rates of the interval, alerts, jobs).
 */
export function renderPrometheus(clusters: readonly ClusterSnapshot[], jobs: readonly JobRecord[], options: RenderOptions): string {
  const out = new Exposition();
  out.add(r.clusters, '', clusters.length);
  for (const { clusterId, row } of clusters) {
    if (!row) continue;
    out.add(r.sampleTimestamp, labelSet({ cluster: clusterId }), Math.floor(row.at / 1000));
    if (options.now - row.at > options.maxSampleAgeMs) continue;
    for (const n of row.nodes) {
      const base = { instance: n.node, cluster: clusterId, role: n.role, shard: n.shard };
      const labels = labelSet(base);
      out.add(x.up, labels, n.up);
      if (!n.up || !n.values) continue;
      // Like the exporter, db0 is always listed (0 when empty); other databases when INFO lists them.
      const dbs = n.dbs ?? [];
      for (const [db, keys, expires] of [dbs.find((d) => d[0] === 'db0') ?? ['db0', 0, 0], ...dbs.filter((d) => d[0] !== 'db0')]) {
        const dbLabels = labelSet({ ...base, db });
        out.add(x.dbKeys, dbLabels, keys);
        out.add(x.dbKeysExpiring, dbLabels, expires);
      }
      if (n.master) {
        const colon = n.master.at.lastIndexOf(':');
        out.add(x.masterLinkUp, labelSet({ ...base, master_host: n.master.at.slice(0, colon), master_port: n.master.at.slice(colon + 1) }), n.master.linkUp);
      }
      scrapeColumns.forEach((column, i) => out.add(column.family, column.labels ? labelSet({ ...base, ...column.labels }) : labels, n.values?.[i]));
    }
  }
  // Streams after the node families, one family at a time (a family's series must be contiguous).
  const streamsOf = clusters.flatMap(({ clusterId, row }) => (row && options.now - row.at <= options.maxSampleAgeMs ? row.nodes.filter((n) => n.up && n.streams).map((n) => ({ clusterId, n })) : []));
  const each = (visit: (base: Record<string, string>, s: NonNullable<(typeof streamsOf)[number]['n']['streams']>[number]) => void) => {
    for (const { clusterId, n } of streamsOf) for (const s of n.streams ?? []) visit({ instance: n.node, cluster: clusterId, role: n.role, shard: n.shard, db: 'db0', stream: s[0] }, s);
  };
  each((b, s) => out.add(st.streamLength, labelSet(b), s[1]));
  each((b, s) => out.add(st.streamLastGeneratedId, labelSet(b), s[2]));
  each((b, s) => out.add(st.streamGroups, labelSet(b), s[3].length));
  const groups = (family: typeof st.streamLength, value: (g: NonNullable<(typeof streamsOf)[number]['n']['streams']>[number][3][number]) => number | null) => each((b, s) => s[3].forEach((g) => out.add(family, labelSet({ ...b, group: g[0] }), value(g))));
  groups(st.streamGroupConsumers, (g) => g[1]);
  groups(st.streamGroupPending, (g) => g[2]);
  groups(st.streamGroupLastDeliveredId, (g) => g[3]);
  groups(st.streamGroupLag, (g) => g[4]);
  groups(st.streamGroupEntriesRead, (g) => g[5]);
  each((b, s) => s[3].forEach((g) => g[6].forEach((c) => out.add(st.streamConsumerPending, labelSet({ ...b, group: g[0], consumer: c[0] }), c[1]))));
  each((b, s) => s[3].forEach((g) => g[6].forEach((c) => out.add(st.streamConsumerIdle, labelSet({ ...b, group: g[0], consumer: c[0] }), c[2] / 1000))));
  out.declare(r.alertsFiring);
  for (const { clusterId, alerts } of clusters) {
    for (const severity of ['info', 'warning', 'critical'] as const) {
      const labels = labelSet({ cluster: clusterId, severity });
      out.add(r.alertsFiring, labels, alerts.filter((a) => a.status === 'firing' && a.severity === severity).length);
      out.add(r.alertsPending, labels, alerts.filter((a) => a.status === 'pending' && a.severity === severity).length);
    }
  }
  out.declare(r.alertRuleFiring);
  for (const { clusterId, alerts } of clusters) {
    const byRule = new Map<string, number>();
    for (const a of alerts) {
      if (a.status !== 'firing') continue;
      const key = labelSet({ cluster: clusterId, rule: a.rule, severity: a.severity });
      byRule.set(key, (byRule.get(key) ?? 0) + 1);
    }
    for (const [labels, count] of byRule) out.add(r.alertRuleFiring, labels, count);
  }
  const maxFindingsAgeMs = options.maxFindingsAgeMs ?? 15 * 60_000;
  for (const { clusterId, findings } of clusters) if (findings) out.add(r.healthChecked, labelSet({ cluster: clusterId }), Math.floor(findings.checkedAt / 1000));
  out.declare(r.healthFindings);
  for (const { clusterId, findings } of clusters) {
    if (!findings || options.now - findings.checkedAt > maxFindingsAgeMs) continue;
    for (const [severity, code, count] of findings.counts) out.add(r.healthFindings, labelSet({ cluster: clusterId, severity, code }), count);
  }
  out.declare(r.jobsActive);
  const active = new Map<string, number>();
  for (const job of jobs) {
    const key = labelSet({ cluster: job.clusterId, kind: job.kind, status: job.status });
    active.set(key, (active.get(key) ?? 0) + 1);
    for (const [counterName, value] of Object.entries(job.progress)) out.add(r.jobProgress, labelSet({ cluster: job.clusterId, job: job.id, kind: job.kind, counter: counterName }), value);
  }
  for (const [labels, count] of active) out.add(r.jobsActive, labels, count);
  return out.toString();
}
