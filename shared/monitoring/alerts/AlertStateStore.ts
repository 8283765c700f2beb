import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { AlertState } from './AlertState';

/** Alert states per cluster in Table Storage (`<prefix>alerts`, partition = cluster id, row = `<rule>~<node>`). */
export class AlertStateStore {
  constructor(private readonly table: TableClient) {}

  async load(clusterId: string): Promise<Map<string, AlertState>> {
    const states = new Map<string, AlertState>();
    const rows = this.table.listEntities<{ rowKey: string; state: string }>({ queryOptions: { filter: `PartitionKey eq '${clusterId}'` } });
    for await (const row of rows) states.set(row.rowKey, JSON.parse(row.state) as AlertState);
    return states;
  }

  /** Every cluster's alert states in one query, by cluster id. */
  async loadAll(): Promise<Map<string, AlertState[]>> {
    const all = new Map<string, AlertState[]>();
    for await (const row of this.table.listEntities<{ partitionKey: string; state: string }>()) {
      const list = all.get(row.partitionKey) ?? [];
      list.push(JSON.parse(row.state) as AlertState);
      all.set(row.partitionKey, list);
    }
    return all;
  }

  /** Writes and deletes in one transaction per 100 rows (one cluster = one partition). */
  async apply(clusterId: string, upserts: ReadonlyMap<string, AlertState>, deletes: Iterable<string>): Promise<void> {
    const actions: TransactionAction[] = [
      ...[...upserts].map(([rowKey, state]): TransactionAction => ['upsert', { partitionKey: clusterId, rowKey, state: JSON.stringify(state) }, 'Replace']),
      ...[...deletes].map((rowKey): TransactionAction => ['delete', { partitionKey: clusterId, rowKey }]),
    ];
    for (let i = 0; i < actions.length; i += 100) {
      try {
        await this.table.submitTransaction(actions.slice(i, i + 100));
      } catch (error) {
        // Deleting a row that is already gone fails the whole batch; fall back to one call each.
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        for (const action of actions.slice(i, i + 100)) await this.one(action);
      }
    }
  }

  private async one(action: TransactionAction): Promise<void> {
    const [kind, entity] = action;
    if (kind === 'delete') await this.table.deleteEntity(entity.partitionKey, entity.rowKey).catch((e: unknown) => ((e as { statusCode?: number }).statusCode === 404 ? undefined : Promise.reject(e)));
    else await this.table.upsertEntity(entity, 'Replace');
  }
}
