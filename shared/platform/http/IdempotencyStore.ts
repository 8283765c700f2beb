import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { conflict, DomainError, validationError } from '../store/DomainError';
import { claimRow, expiresAt, purgeExpired } from '../store/claimRow';
import { jsonFromChunks, jsonToChunks } from '../store/jsonChunks';
import { statusOf } from '../store/statusOf';
import type { ApiResponse } from './ApiRequest';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * `Idempotency-Key` for POST (IETF draft-ietf-httpapi-idempotency-key-header): the first request with a key runs and
 * its response (status < 500) is kept for the TTL; a retry with the same key and the same request gets that response
 * again (`idempotent-replayed: true`), the same key with a different request is 422, and a retry while the first is
 * still running is 409. Keys are scoped per principal and route, so callers never see each other's responses.
 */
export class IdempotencyStore {
  constructor(
    readonly table: TableClient,
    private readonly ttlSeconds: number,
  ) {}

  async run(scope: string, key: string, fingerprint: string, produce: () => Promise<ApiResponse>): Promise<ApiResponse> {
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw validationError('invalid_header', 'Idempotency-Key must be 1-255 printable ASCII characters', [{ field: 'headers.idempotency-key', message: 'invalid' }]);
    }
    const rowKey = sha256(`${scope}\n${key}`);
    const partitionKey = rowKey.slice(0, 2);
    const claim = await claimRow(this.table, partitionKey, rowKey, { state: 'running', fingerprint, expiresAt: Date.now() + 5 * 60_000 });
    if (!claim.claimed) {
      if (claim.row['fingerprint'] !== fingerprint) throw new DomainError('unprocessable', 'idempotency_key_reused', 'this Idempotency-Key was used for a different request');
      if (claim.row.state !== 'done') throw conflict('idempotency_key_in_progress', 'a request with this Idempotency-Key is still running; retry later');
      const stored = jsonFromChunks('response', claim.row) as ApiResponse;
      return { ...stored, headers: { ...stored.headers, 'idempotent-replayed': 'true' } };
    }
    let response: ApiResponse;
    try {
      response = await produce();
    } catch (error) {
      await this.release(partitionKey, rowKey, claim.etag);
      throw error;
    }
    if (response.status >= 500) {
      // Our failure: let the retry run again instead of replaying an error forever.
      await this.release(partitionKey, rowKey, claim.etag);
      return response;
    }
    const entity = { partitionKey, rowKey, state: 'done', fingerprint, expiresAt: expiresAt(Date.now() + this.ttlSeconds * 1000), ...jsonToChunks('response', response) };
    await this.table.updateEntity(entity, 'Replace', { etag: claim.etag });
    return response;
  }

  purgeExpired(max?: number): Promise<number> {
    return purgeExpired(this.table, max);
  }

  private async release(partitionKey: string, rowKey: string, etag: string): Promise<void> {
    await this.table.deleteEntity(partitionKey, rowKey, { etag }).catch((e: unknown) => {
      if (statusOf(e) !== 404 && statusOf(e) !== 412) throw e;
    });
  }
}
