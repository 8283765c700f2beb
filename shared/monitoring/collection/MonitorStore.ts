import type { TableClient, TransactionAction } from '@azure/data-tables';
import { jsonFromChunks, jsonToChunks } from '../../platform/store/jsonChunks';
import { toScrapeRow, type ScrapeRow } from '../prometheus/scrapeRow';
import type { ScrapeStream } from '../prometheus/scrapeStreams';
import { compactNumber, historyColumns } from './historyColumns';
import type { NodeReading } from './NodeReading';
import type { NodeSample } from './NodeSample';
import { TableLease } from './TableLease';

/** The last tick of a cluster: raw samples (for the next rates) and the readings derived from them. */
export interface ClusterState {
  at: number;
  samples: NodeSample[];
  readings: NodeReading[];
}

/** One history row: per node its place and the `historyColumns` values in order. */
export interface HistoryRow {
  at: number;
  nodes: { node: string; role: 'master' | 'replica'; shard: string; values: (number | null)[] }[];
}

/** One hour-aggregate row: per node and `historyColumns` value, min / max / mean / last over the hour's samples. */
export interface HourlyRow {
  /** Start of the hour (ms since epoch, a multiple of one hour). */
  at: number;
  /** Minute rows the aggregate was computed from. */
  samples: number;
  nodes: { node: string; role: 'master' | 'replica'; shard: string; min: (number | null)[]; max: (number | null)[]; mean: (number | null)[]; last: (number | null)[] }[];
}

export type Aggregate = 'min' | 'max' | 'mean' | 'last';

export const HOUR_MS = 3_600_000;

const timeKey = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(15, '0');
/** Hour aggregates live beside the minute rows, in a partition of their own (`<cluster id>~hourly`). */
const hourlyPartition = (clusterId: string) => `${clusterId}~hourly`;

/**
 * Monitoring state in Table Storage: `<prefix>monitorstate` keeps each cluster's last samples (one row, so rates
 * work on any instance and after a cold start), `<prefix>metrics` keeps one compact row per cluster and tick
 * (partition = cluster id, row key = time) for the history API, purged past the retention.
 */
export class MonitorStore {
  /** The lease the history purge takes (a row of the state table, conditional writes, fencing token). */
  readonly purgeLease: TableLease;

  constructor(
    private readonly stateTable: TableClient,
    private readonly historyTable: TableClient,
  ) {
    this.purgeLease = new TableLease(stateTable, 'lease', 'history-purge');
  }

  async loadState(clusterId: string): Promise<ClusterState | undefined> {
    try {
      const row = await this.stateTable.getEntity<Record<string, unknown>>('cluster', clusterId);
      return jsonFromChunks('state', row) as ClusterState;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Every cluster's scrape row in one query (the Prometheus endpoint serves from these, never from Redis). */
  async loadScrapeRows(): Promise<Map<string, ScrapeRow>> {
    const rows = new Map<string, ScrapeRow>();
    for await (const row of this.stateTable.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq 'scrape'` } })) {
      rows.set(row.rowKey ?? '', jsonFromChunks('s', row) as ScrapeRow);
    }
    return rows;
  }

  /** `streams`: the busiest streams per node for the scrape row (messaging discovery; absent = none). */
  async saveState(clusterId: string, state: ClusterState, streams?: ReadonlyMap<string, ScrapeStream[]>): Promise<void> {
    // Beside the full state (what the next tick needs), the compact row scrapes read: a tenth of the size.
    await Promise.all([
      this.stateTable.upsertEntity({ partitionKey: 'cluster', rowKey: clusterId, ...jsonToChunks('state', state) }, 'Replace'),
      this.stateTable.upsertEntity({ partitionKey: 'scrape', rowKey: clusterId, ...jsonToChunks('s', toScrapeRow(state.at, state.samples, state.readings, streams)) }, 'Replace'),
    ]);
  }

  async appendHistory(clusterId: string, at: number, readings: readonly NodeReading[]): Promise<void> {
    const row: HistoryRow = {
      at,
      nodes: readings.map((r) => ({ node: r.node, role: r.role, shard: r.shard, values: historyColumns.map((c) => compactNumber(c.read(r))) })),
    };
    await this.historyTable.upsertEntity({ partitionKey: clusterId, rowKey: timeKey(at), v: 1, ...jsonToChunks('h', row) }, 'Replace');
  }

  /** History rows with `from <= at <= to`, oldest first. */
  async history(clusterId: string, from: number, to: number): Promise<HistoryRow[]> {
    const rows: HistoryRow[] = [];
    const filter = `PartitionKey eq '${clusterId}' and RowKey ge '${timeKey(from)}' and RowKey le '${timeKey(to)}'`;
    for await (const entity of this.historyTable.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      rows.push(jsonFromChunks('h', entity) as HistoryRow);
    }
    return rows.sort((a, b) => a.at - b.at);
  }

  /**
   * Rolls the minute rows of the hour starting at `hourStart` up into one aggregate row (min/max/mean/last per metric
   * and node) and writes it. Idempotent: the row key is the hour, the content a function of the minute rows, so a
   * re-run writes the same row. No minute rows: nothing written, `null`.
   */
  async rollupHour(clusterId: string, hourStart: number): Promise<HourlyRow | null> {
    const start = Math.floor(hourStart / HOUR_MS) * HOUR_MS;
    const rows = await this.history(clusterId, start, start + HOUR_MS - 1);
    if (rows.length === 0) return null;
    const row = aggregateHour(start, rows);
    await this.historyTable.upsertEntity({ partitionKey: hourlyPartition(clusterId), rowKey: timeKey(start), v: 1, ...jsonToChunks('h', row) }, 'Replace');
    return row;
  }

  /** Hour aggregates of the hours that overlap `from..to`, oldest first. */
  async hourly(clusterId: string, from: number, to: number): Promise<HourlyRow[]> {
    const rows: HourlyRow[] = [];
    const filter = `PartitionKey eq '${hourlyPartition(clusterId)}' and RowKey ge '${timeKey(Math.floor(from / HOUR_MS) * HOUR_MS)}' and RowKey le '${timeKey(to)}'`;
    for await (const entity of this.historyTable.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      rows.push(jsonFromChunks('h', entity) as HourlyRow);
    }
    return rows.sort((a, b) => a.at - b.at);
  }

  /** Deletes up to `max` minute rows older than `before` (bounded work per run; a backlog drains over the next runs). */
  async purgeHistory(clusterId: string, before: number, max = 100, stillHeld?: () => Promise<boolean>): Promise<number> {
    return this.purgePartition(clusterId, before, max, stillHeld);
  }

  /** Deletes up to `max` hour aggregates of hours that started before `before`. */
  async purgeHourly(clusterId: string, before: number, max = 100, stillHeld?: () => Promise<boolean>): Promise<number> {
    return this.purgePartition(hourlyPartition(clusterId), before, max, stillHeld);
  }

  /** `stillHeld` is asked before each batch (100 rows, one transaction): false stops the purge (the lease was lost). */
  private async purgePartition(partitionKey: string, before: number, max: number, stillHeld?: () => Promise<boolean>): Promise<number> {
    const keys: string[] = [];
    const filter = `PartitionKey eq '${partitionKey}' and RowKey lt '${timeKey(before)}'`;
    for await (const entity of this.historyTable.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      if (keys.length >= max) break;
      keys.push(entity.rowKey as string);
    }
    let deleted = 0;
    for (let i = 0; i < keys.length; i += 100) {
      if (stillHeld && !(await stillHeld())) break;
      const batch = keys.slice(i, i + 100);
      await this.historyTable.submitTransaction(batch.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]));
      deleted += batch.length;
    }
    return deleted;
  }
}

/** The aggregate of one hour's minute rows (oldest first). Pure. */
export function aggregateHour(hourStart: number, rows: readonly HistoryRow[]): HourlyRow {
  const sorted = [...rows].sort((a, b) => a.at - b.at);
  const places = new Map<string, { role: 'master' | 'replica'; shard: string }>();
  for (const row of sorted) for (const n of row.nodes) places.set(n.node, { role: n.role, shard: n.shard });
  const nodes = [...places].sort(([a], [b]) => a.localeCompare(b)).map(([node, place]) => {
    const min: (number | null)[] = [];
    const max: (number | null)[] = [];
    const mean: (number | null)[] = [];
    const last: (number | null)[] = [];
    historyColumns.forEach((_column, index) => {
      const values = sorted.map((r) => r.nodes.find((n) => n.node === node)?.values[index]).filter((v): v is number => typeof v === 'number');
      min.push(values.length ? Math.min(...values) : null);
      max.push(values.length ? Math.max(...values) : null);
      mean.push(values.length ? compactNumber(values.reduce((a, b) => a + b, 0) / values.length) : null);
      last.push(values.length ? (values[values.length - 1] as number) : null);
    });
    return { node, ...place, min, max, mean, last };
  });
  return { at: hourStart, samples: sorted.length, nodes };
}

/** Hour aggregates as history rows carrying one of the aggregates (what `buildSeries` charts). */
export function hourlyAsHistory(rows: readonly HourlyRow[], aggregate: Aggregate): HistoryRow[] {
  return rows.map((r) => ({ at: r.at, nodes: r.nodes.map((n) => ({ node: n.node, role: n.role, shard: n.shard, values: n[aggregate] })) }));
}
