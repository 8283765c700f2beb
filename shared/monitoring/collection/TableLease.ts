import type { TableClient } from '@azure/data-tables';

/** A held lease: who holds it, its fencing token (grows with every grant) and the row's ETag after the grant. */
export interface LeaseGrant {
  holder: string;
  token: number;
  expiresAt: number;
  etag: string;
}

interface LeaseEntity {
  holder: string;
  token: number;
  expiresAt: number;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/**
 * A lease as one Table row written conditionally: created with `createEntity` (409 when another instance won) or
 * taken over with `updateEntity` on the ETag read (412 when another instance won), only once the holder's lease has
 * expired. Each grant increments the fencing token, so a holder that paused past its expiry sees in `holds` that the
 * token moved and stops.
 */
export class TableLease {
  constructor(
    private readonly table: TableClient,
    private readonly partitionKey: string,
    private readonly rowKey: string,
  ) {}

  /** The lease for `ttlMs`, or `null` while someone else holds it (or won the race for it). */
  async acquire(holder: string, ttlMs: number, now = Date.now()): Promise<LeaseGrant | null> {
    const current = await this.read();
    const expiresAt = now + ttlMs;
    const key = { partitionKey: this.partitionKey, rowKey: this.rowKey };
    try {
      if (!current) {
        const created = await this.table.createEntity<LeaseEntity>({ ...key, holder, token: 1, expiresAt });
        return { holder, token: 1, expiresAt, etag: created.etag ?? '' };
      }
      if (current.expiresAt > now && current.holder !== holder) return null;
      const token = current.token + 1;
      const updated = await this.table.updateEntity<LeaseEntity>({ ...key, holder, token, expiresAt }, 'Replace', { etag: current.etag });
      return { holder, token, expiresAt, etag: updated.etag ?? '' };
    } catch (error) {
      if (statusOf(error) === 409 || statusOf(error) === 412) return null;
      throw error;
    }
  }

  /** Whether `grant` is still the current, unexpired grant (fencing: checked before each batch of work). */
  async holds(grant: LeaseGrant, now = Date.now()): Promise<boolean> {
    const current = await this.read();
    return !!current && current.holder === grant.holder && current.token === grant.token && current.expiresAt > now;
  }

  /** Gives the lease up early (expires it); a no-op when it was taken over meanwhile. */
  async release(grant: LeaseGrant): Promise<void> {
    try {
      await this.table.updateEntity<LeaseEntity>({ partitionKey: this.partitionKey, rowKey: this.rowKey, holder: grant.holder, token: grant.token, expiresAt: 0 }, 'Replace', { etag: grant.etag });
    } catch (error) {
      if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
    }
  }

  private async read(): Promise<(LeaseEntity & { etag: string }) | undefined> {
    try {
      const row = await this.table.getEntity<LeaseEntity>(this.partitionKey, this.rowKey);
      return { holder: String(row.holder), token: Number(row.token), expiresAt: Number(row.expiresAt), etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }
}
