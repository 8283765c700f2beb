import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { loadSettings } from '../config/loadSettings';
import { storageTarget, tableClient } from '../storage/storageClients';
import { statusOf } from '../store/statusOf';

/**
 * The latest health findings per cluster (`<prefix>healthfindings`: partition `health`, row = cluster id): the admin
 * area writes it whenever it computes a cluster's health (the `healthSnapshot` timer every 5 minutes, and every
 * `GET …/health`); the Prometheus scrape (monitoring) reads it, so a scrape never runs a health check. The contract
 * lives here, below both areas.
 */
export const healthFindingsTableSuffix = 'healthfindings';
const partition = 'health';

const summarySchema = z.object({
  checkedAt: z.number(),
  verdict: z.string().max(32),
  counts: z.array(z.tuple([z.string().max(32), z.string().max(64), z.int().min(0)])).max(500),
});

/** One cluster's findings as counted at `checkedAt`: `[severity, code, count]` per distinct pair. */
export interface HealthFindingsSummary {
  clusterId: string;
  checkedAt: number;
  verdict: string;
  counts: [severity: string, code: string, count: number][];
}

/** Counts a report's findings by severity and code. */
export function summarizeFindings(clusterId: string, verdict: string, findings: ReadonlyArray<{ severity: string; code: string }>, checkedAt: number): HealthFindingsSummary {
  const counts = new Map<string, [string, string, number]>();
  for (const f of findings) {
    const key = `${f.severity}\u0000${f.code}`;
    const entry = counts.get(key) ?? [f.severity, f.code, 0];
    entry[2] += 1;
    counts.set(key, entry);
  }
  return { clusterId, checkedAt, verdict, counts: [...counts.values()].sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1])) };
}

const created = new WeakMap<TableClient, Promise<unknown>>();

/** Replaces a cluster's summary (the table is created on the first write of the process). */
export async function writeHealthFindings(table: TableClient, summary: HealthFindingsSummary): Promise<void> {
  let ready = created.get(table);
  if (!ready) {
    ready = table.createTable();
    created.set(table, ready);
  }
  await ready;
  const { clusterId, ...rest } = summary;
  await table.upsertEntity({ partitionKey: partition, rowKey: clusterId, summary: JSON.stringify(rest) }, 'Replace');
}

/** Every cluster's latest summary (one partition query); none before the first write, rows that do not parse skipped. */
export async function readHealthFindings(table: TableClient): Promise<Map<string, HealthFindingsSummary>> {
  const out = new Map<string, HealthFindingsSummary>();
  try {
    for await (const row of table.listEntities<{ summary?: unknown }>({ queryOptions: { filter: `PartitionKey eq '${partition}'` } })) {
      if (typeof row.summary !== 'string' || typeof row.rowKey !== 'string') continue;
      let json: unknown;
      try {
        json = JSON.parse(row.summary);
      } catch {
        continue;
      }
      const parsed = summarySchema.safeParse(json);
      if (parsed.success) out.set(row.rowKey, { clusterId: row.rowKey, ...parsed.data });
    }
  } catch (error) {
    if (statusOf(error) === 404) return out;
    throw error;
  }
  return out;
}

const clients = new Map<string, TableClient>();

/** The table for a control plane's table prefix (one client per prefix and process). */
export function healthFindingsTable(tablePrefix: string): TableClient {
  let client = clients.get(tablePrefix);
  if (!client) {
    client = tableClient(storageTarget(loadSettings()), `${tablePrefix}${healthFindingsTableSuffix}`);
    clients.set(tablePrefix, client);
  }
  return client;
}
