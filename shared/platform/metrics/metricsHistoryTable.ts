import type { TableClient } from '@azure/data-tables';
import { loadSettings } from '../config/loadSettings';
import { storageTarget, tableClient } from '../storage/storageClients';
import { jsonFromChunks } from '../store/jsonChunks';
import { statusOf } from '../store/statusOf';

/**
 * The metrics history table (`<prefix>metrics`): the monitor writes one row per cluster and tick (partition = cluster
 * id, row key = the tick's time in ms, 15 digits, zero-padded; JSON in `h0..hN` with `hChunks`: `{ at, nodes: [{ node
 * (host:port), role, shard (the master's node id), values }] }`, values by column position). Monitoring owns the
 * writing; an area that only needs a figure of the history (the admin area's rebalance by ops/s) reads it through
 * this contract, below both areas.
 */
export const metricsHistoryTableSuffix = 'metrics';

/** Position of `ops_per_sec` (INFO instantaneous_ops_per_sec, per node) in a history row's `values`. */
export const opsPerSecColumn = 0;

/** Mean ops/s of one master over a window of history rows. */
export interface MasterOps {
  /** Node id of the master (the row's `shard`). */
  id: string;
  /** `host:port` the monitor read it at (last seen). */
  node: string;
  meanOpsPerSec: number;
  samples: number;
}

interface StoredRow {
  at?: unknown;
  nodes?: { node?: unknown; role?: unknown; shard?: unknown; values?: unknown }[];
}

const timeKey = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(15, '0');

/**
 * Mean `ops_per_sec` per master over the history rows with `from <= at <= to` (one query on the cluster's partition).
 * Rows or nodes that do not parse are skipped, never trusted; no table yet (the monitor never ran) reads as none.
 * Returns the masters by node id, and how many rows were read.
 */
export async function readMasterOps(table: TableClient, clusterId: string, from: number, to: number): Promise<{ rows: number; masters: Map<string, MasterOps> }> {
  const sums = new Map<string, { node: string; sum: number; samples: number }>();
  let rows = 0;
  const filter = `PartitionKey eq '${clusterId.replace(/'/g, "''")}' and RowKey ge '${timeKey(from)}' and RowKey le '${timeKey(to)}'`;
  try {
    for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      let row: StoredRow;
      try {
        row = jsonFromChunks('h', entity) as StoredRow;
      } catch {
        continue;
      }
      if (!Array.isArray(row.nodes)) continue;
      rows += 1;
      for (const n of row.nodes) {
        const value = Array.isArray(n.values) ? n.values[opsPerSecColumn] : undefined;
        if (n.role !== 'master' || typeof n.shard !== 'string' || typeof value !== 'number' || !Number.isFinite(value)) continue;
        const entry = sums.get(n.shard) ?? { node: String(n.node), sum: 0, samples: 0 };
        entry.sum += value;
        entry.samples += 1;
        entry.node = String(n.node);
        sums.set(n.shard, entry);
      }
    }
  } catch (error) {
    if (statusOf(error) === 404) return { rows: 0, masters: new Map() };
    throw error;
  }
  const masters = new Map([...sums].map(([id, e]) => [id, { id, node: e.node, meanOpsPerSec: e.sum / e.samples, samples: e.samples }]));
  return { rows, masters };
}

/** The history table of this app's settings (not created: a missing table reads as no history). */
export function metricsHistoryTable(tablePrefix: string): TableClient {
  return tableClient(storageTarget(loadSettings()), `${tablePrefix}${metricsHistoryTableSuffix}`);
}
