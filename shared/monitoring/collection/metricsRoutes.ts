import { z } from 'zod';
import { resourceIdSchema } from '../../platform/registry/resourceId';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { queryOf } from '../../platform/http/queryOf';
import { validationError } from '../../platform/store/DomainError';
import { historyColumns } from './historyColumns';
import { buildSeries } from './metricSeries';
import { HOUR_MS, hourlyAsHistory, type Aggregate, type HistoryRow, type HourlyRow, type MonitorStore } from './MonitorStore';
import { monitoring, type Monitoring } from './openMonitoring';
import { openObject } from '../../platform/http/RouteDoc';

const instant = z.union([z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.coerce.number().int().min(0)]);

/** Query of `GET /api/clusters/{id}/metrics`. */
export const metricsQuerySchema = z.strictObject({
  /** ISO-8601 or ms since epoch. @default to − 1 h */
  from: instant.optional().describe('ISO-8601 or ms since epoch; default to minus 1 h'),
  /** ISO-8601 or ms since epoch. @default now */
  to: instant.optional().describe('ISO-8601 or ms since epoch; default now'),
  /** Only this node (`host:port`). */
  node: z.string().min(3).max(260).regex(/^[^\s/]+:\d{1,5}$/, 'must be host:port').optional().describe('only this node (host:port)'),
  /** Comma-separated metric names (default all). */
  metrics: z
    .string()
    .max(1000)
    .transform((s) => s.split(',').map((m) => m.trim()).filter(Boolean))
    .refine((list) => list.every((m) => historyColumns.some((c) => c.metric === m)), `unknown metric; known: ${historyColumns.map((c) => c.metric).join(', ')}`)
    .optional()
    .describe('comma-separated metric names; default all'),
  /** Which hour aggregate a long range (over 24 h, served from hour rows) charts. @default mean */
  aggregate: z.enum(['mean', 'min', 'max', 'last']).default('mean').describe('hour aggregate charted for ranges over 24 h: mean, min, max or last'),
  /** Points per series at most (buckets are averaged). @default 360 */
  maxPoints: z.coerce.number().int().min(2).max(5000).default(360).describe('at most this many points per series (bucket averages)'),
});

const params = z.object({ id: resourceIdSchema });

/** Ranges longer than this are served from the hour aggregates (plus the minute rows after the last closed hour). */
export const HOURLY_ABOVE_MS = 24 * HOUR_MS;

/**
 * The rows a range is charted from. Up to 24 h: the minute rows. Longer: the hour aggregates (`aggregate` of each
 * hour), then the minute rows after the last aggregated hour (the open hour), so 7 days read ~168 + ≤ 60 rows.
 */
export async function historyFor(store: MonitorStore, clusterId: string, from: number, to: number, aggregate: Aggregate): Promise<{ rows: HistoryRow[]; resolution: 'minute' | 'hour' }> {
  if (to - from <= HOURLY_ABOVE_MS) return { rows: await store.history(clusterId, from, to), resolution: 'minute' };
  const hours = await store.hourly(clusterId, from, to);
  const after = hours.length ? (hours[hours.length - 1] as HourlyRow).at + HOUR_MS : from;
  const minutes = after <= to ? await store.history(clusterId, Math.max(from, after), to) : [];
  return { rows: [...hourlyAsHistory(hours, aggregate), ...minutes], resolution: 'hour' };
}

/** `GET /api/clusters/{id}/metrics?from=&to=&node=&metrics=&maxPoints=` (reader): chart-ready series plus the latest readings. */
export function metricsRoutesFor(open: () => Promise<Monitoring>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: {
        operationId: 'getClusterMetrics',
        summary: 'Metric history of a cluster as chart-ready series (per node and metric), plus the latest readings',
        query: metricsQuerySchema,
        responses: {
          '200': { description: 'series and the latest readings', body: openObject('MetricSeries', 'resolution: minute|hour, samples: rows read, series: [{metric, unit, label, node, role, shard, points: [[ms, value|null]]}], latest: {at, readings}') },
          '404': 'the cluster is not registered',
        },
      },
      async handle({ req, cp }) {
        const { id } = parseInput(params, req.params, 'params');
        const query = parseInput(metricsQuerySchema, queryOf(req.query), 'query');
        await cp.clusters.get(id);
        const m = await open();
        const to = query.to ?? Date.now();
        const from = query.from ?? to - 3_600_000;
        if (from > to) throw validationError('invalid_query', "'from' is after 'to'", [{ field: 'query.from', message: 'must not be after to' }]);
        const [{ rows, resolution }, state] = await Promise.all([historyFor(m.store, id, from, to, query.aggregate), m.store.loadState(id)]);
        const series = buildSeries(rows, { maxPoints: query.maxPoints, ...(query.node ? { node: query.node } : {}), ...(query.metrics ? { metrics: query.metrics } : {}) });
        const latest = state ? { at: new Date(state.at).toISOString(), readings: state.readings.filter((r) => !query.node || r.node === query.node) } : null;
        return jsonResponse(200, {
          clusterId: id,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          intervalSeconds: m.settings.MONITOR_INTERVAL_SECONDS,
          resolution,
          samples: rows.length,
          nodes: [...new Map(series.map((s) => [s.node, { node: s.node, role: s.role, shard: s.shard }])).values()],
          series,
          latest,
        });
      },
    },
  };
}

export const metricsRoutes = metricsRoutesFor(monitoring);
