import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';

/**
 * The alert state table (`<prefix>alerts`: partition = cluster id, row = `<rule>~<node>`, `state` = JSON). Monitoring
 * writes it; a subscriber that acts on `Alert.Raised` reads it to check the alert is really firing, so the contract
 * lives here, below both areas.
 */
export const alertStateTableSuffix = 'alerts';

/** What a subscriber may rely on in one stored alert state (monitoring stores more). */
export const storedAlertStateSchema = z.looseObject({
  rule: z.string(),
  metric: z.string(),
  status: z.enum(['pending', 'firing']),
  alertId: z.string().nullable(),
  node: z.string().nullable(),
  threshold: z.number(),
  value: z.number(),
});
export type StoredAlertState = z.infer<typeof storedAlertStateSchema>;

/**
 * The state of incident `alertId` of a cluster when it is firing now, else undefined (resolved, never raised, a forged
 * id, or no table yet because the monitor never ran). Rows that do not parse are skipped, never trusted.
 */
export async function readFiringAlert(table: TableClient, clusterId: string, alertId: string): Promise<StoredAlertState | undefined> {
  const filter = `PartitionKey eq '${clusterId.replace(/'/g, "''")}'`;
  try {
    for await (const row of table.listEntities<{ state?: unknown }>({ queryOptions: { filter } })) {
      if (typeof row.state !== 'string') continue;
      let json: unknown;
      try {
        json = JSON.parse(row.state);
      } catch {
        continue;
      }
      const parsed = storedAlertStateSchema.safeParse(json);
      if (parsed.success && parsed.data.status === 'firing' && parsed.data.alertId === alertId) return parsed.data;
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
  return undefined;
}
