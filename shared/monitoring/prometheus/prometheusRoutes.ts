import { z } from 'zod';
import type { RouteTable } from '../../platform/http/apiHandler';
import { named } from '../../platform/http/RouteDoc';
import type { ControlPlane } from '../../platform/controlPlane';
import { healthFindingsMaxAgeMs } from '../../platform/findings/healthSnapshotSchedule';
import { readHealthFindings, type HealthFindingsSummary } from '../../platform/findings/healthFindingsTable';
import type { JobRecord } from '../../platform/jobs/JobRecord';
import { jobStoreFor } from '../../platform/jobs/jobRuntime';
import { monitoring, type Monitoring } from '../collection/openMonitoring';
import { renderPrometheus } from './renderPrometheus';

/** Content type of the Prometheus text format. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

const activeJobs = async (cp: ControlPlane): Promise<JobRecord[]> => (await jobStoreFor(cp)).active();
const storedFindings = (m: Monitoring): Promise<Map<string, HealthFindingsSummary>> => readHealthFindings(m.findings);

/**
 * `GET /api/metrics` (function key; `role: public` so a scrape config needs only the `code`): the Prometheus text
 * exposition of every registered cluster's latest stored samples, plus alerts, active jobs and the latest recorded health
 * findings. Reads Table Storage only — a scrape never costs the caches a command (nor runs a health check: the
 * findings are those the `healthSnapshot` timer recorded). Five queries in parallel whatever the fleet size.
 */
export function prometheusRoutesFor(
  open: () => Promise<Monitoring>,
  jobs: (cp: ControlPlane) => Promise<JobRecord[]> = activeJobs,
  findings: (m: Monitoring) => Promise<Map<string, HealthFindingsSummary>> = storedFindings,
): RouteTable {
  return {
    GET: {
      role: 'public',
      doc: {
        operationId: 'getPrometheusMetrics',
        summary: "Prometheus text exposition of every registered cluster's latest samples (redis_exporter names for the overlap, rcm_* for the rest); function key only",
        tag: 'meta',
        responses: { '200': { description: 'text format 0.0.4', contentType: 'text/plain', body: named('PrometheusText', z.string()) } },
      },
      async handle({ cp }) {
        const m = await open();
        const [clusters, rows, alerts, active, health] = await Promise.all([cp.clusters.list(), m.store.loadScrapeRows(), m.alerts.all(), jobs(cp), findings(m)]);
        const body = renderPrometheus(
          clusters.map((c) => ({ clusterId: c.id, row: rows.get(c.id), alerts: alerts.get(c.id) ?? [], findings: health.get(c.id) })),
          active.filter((j) => clusters.some((c) => c.id === j.clusterId)),
          // Five intervals without a tick: the collector is down for this cluster; its series go stale, not flat.
          { now: Date.now(), maxSampleAgeMs: 5 * m.settings.MONITOR_INTERVAL_SECONDS * 1000, maxFindingsAgeMs: healthFindingsMaxAgeMs },
        );
        return { status: 200, headers: { 'content-type': prometheusContentType }, body };
      },
    },
  };
}

export const prometheusRoutes = prometheusRoutesFor(monitoring);
