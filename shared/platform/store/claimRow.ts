import type { TableClient } from '@azure/data-tables';
import { statusOf } from './statusOf';

/**
 * Expiry as an explicit Edm.Double: epoch milliseconds exceed Int32, which is what the service assumes for an
 * un-annotated JSON integer.
 */
export const expiresAt = (ms: number) => ({ value: ms, type: 'Double' as const });

/** A row that expires: readers treat it as absent after `expiresAt` (ms since epoch); a purge deletes it later. */
export interface ExpiringRow {
  state: string;
  expiresAt: number;
  [property: string]: unknown;
}

export type ClaimResult = { claimed: true; etag: string } | { claimed: false; row: ExpiringRow & { etag: string } };

/**
 * Takes a row for this caller if it is absent or expired, atomically (create, or replace with the expired row's
 * ETag): of several concurrent claimers exactly one gets `claimed: true`; the others see the winner's live row.
 */
export async function claimRow(table: TableClient, partitionKey: string, rowKey: string, row: ExpiringRow): Promise<ClaimResult> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let existing: (ExpiringRow & { etag: string }) | undefined;
    try {
      existing = (await table.getEntity<ExpiringRow>(partitionKey, rowKey)) as ExpiringRow & { etag: string };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    if (existing && Number(existing.expiresAt) > Date.now()) return { claimed: false, row: existing };
    try {
      const entity = { partitionKey, rowKey, ...row, expiresAt: expiresAt(row.expiresAt) };
      const response = existing ? await table.updateEntity(entity, 'Replace', { etag: existing.etag }) : await table.createEntity(entity);
      return { claimed: true, etag: response.etag ?? '*' };
    } catch (error) {
      const status = statusOf(error);
      // Someone else claimed between our read and write: read their row on the next pass.
      if (status !== 409 && status !== 412) throw error;
    }
  }
  throw new Error(`could not claim ${partitionKey}/${rowKey}: contended`);
}

/** Deletes up to `max` expired rows; returns how many. Expired rows are already ignored, this only frees space. */
export async function purgeExpired(table: TableClient, max = 1000): Promise<number> {
  let purged = 0;
  const filter = `expiresAt lt ${Date.now()}.0`;
  for await (const row of table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
    if (purged >= max) break;
    try {
      await table.deleteEntity(row.partitionKey ?? '', row.rowKey ?? '');
      purged += 1;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
  return purged;
}
