import type { TableClient } from '@azure/data-tables';
import { summarizeFindings, writeHealthFindings } from '../../platform/findings/healthFindingsTable';
import type { HealthReport } from './assessHealth';

/** Code recorded (severity `error`) for a cluster whose health could not be read at all: it did not answer. */
export const unreachableCode = 'cluster_unreachable';

/** Stores a report's findings, counted by severity and code, as the cluster's latest (read by the Prometheus scrape). */
export function recordHealth(table: TableClient, report: HealthReport): Promise<void> {
  return writeHealthFindings(table, summarizeFindings(report.clusterId, report.verdict, report.findings, Date.parse(report.checkedAt)));
}

/** Stores that a cluster did not answer its health check. */
export function recordUnreachable(table: TableClient, clusterId: string, at: number): Promise<void> {
  return writeHealthFindings(table, summarizeFindings(clusterId, 'unreachable', [{ severity: 'error', code: unreachableCode }], at));
}
