import type { TableClient, TransactionAction } from '@azure/data-tables';
import { jsonFromChunks, jsonToChunks } from '../../platform/store/jsonChunks';
import { toScrapeRow, type ScrapeRow } from '../prometheus/scrapeRow';
import type { ScrapeStream } from '../prometheus/scrapeStreams';
import { compactNumber, historyColumns } from './historyColumns';
import type { NodeReading } from './NodeReading';
import type { NodeSample } from './NodeSample';

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

const timeKey = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(15, '0');

/**
 * Monitoring state in Table Storage: `<prefix>monitorstate` keeps each cluster's last samples (one row, so rates
 * work on any instance and after a cold start), `<prefix>metrics` keeps one compact row per cluster and tick
 * (partition = cluster id, row key = time) for the history API, purged past the retention.
 */
export class MonitorStore {
  constructor(
    private readonly stateTable: TableClient,
    private readonly historyTable: TableClient,
  ) {}

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

  /** Deletes up to `max` rows older than `before` (bounded work per tick; a backlog drains over the next ticks). */
  async purgeHistory(clusterId: string, before: number, max = 100): Promise<number> {
    const keys: string[] = [];
    const filter = `PartitionKey eq '${clusterId}' and RowKey lt '${timeKey(before)}'`;
    for await (const entity of this.historyTable.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      keys.push(entity.rowKey as string);
      if (keys.length >= max) break;
    }
    if (keys.length === 0) return 0;
    const actions = keys.map((rowKey): TransactionAction => ['delete', { partitionKey: clusterId, rowKey }]);
    await this.historyTable.submitTransaction(actions);
    return keys.length;
  }
}
