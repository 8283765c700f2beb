import { TableClient } from '@azure/data-tables';
import type { Principal } from '../../shared/platform/auth/Principal';
import { EventStore } from '../../shared/platform/store/EventStore';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

export const alice: Principal = { id: 'alice', kind: 'api-key', role: 'admin' };

/** A table of its own on the shared Azurite, created. */
export async function freshTable(prefix = 'cp'): Promise<TableClient> {
  const table = TableClient.fromConnectionString(azuriteConnectionString(), uniqueTableName(prefix), { allowInsecureConnection: true });
  await table.createTable();
  return table;
}

export async function freshStore(): Promise<EventStore> {
  return new EventStore(await freshTable('events'));
}

/** Every row of a table, for "nothing changed" assertions (order is the table's, stable between reads). */
export async function tableRows(table: TableClient): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of table.listEntities<Record<string, unknown>>()) {
    const { etag: _etag, timestamp: _timestamp, ...rest } = row as Record<string, unknown>;
    rows.push(rest);
  }
  return rows;
}
