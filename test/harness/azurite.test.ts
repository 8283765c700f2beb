import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { azuriteConnectionString, uniqueContainerName, uniqueTableName } from '../helpers/storage';

describe('shared Azurite', () => {
  it('round-trips a table entity', async () => {
    const table = TableClient.fromConnectionString(azuriteConnectionString(), uniqueTableName(), { allowInsecureConnection: true });
    await table.createTable();
    try {
      await table.createEntity({ partitionKey: 'cluster-a', rowKey: '0001', version: 1, name: 'demo' });
      const entity = await table.getEntity<{ version: number; name: string }>('cluster-a', '0001');
      expect(entity.version).toBe(1);
      expect(entity.name).toBe('demo');
    } finally {
      await table.deleteTable();
    }
  });

  it('round-trips a blob', async () => {
    const service = BlobServiceClient.fromConnectionString(azuriteConnectionString());
    const container = service.getContainerClient(uniqueContainerName('warm'));
    await container.create();
    try {
      const body = JSON.stringify({ keys: ['a', 'b'] });
      await container.getBlockBlobClient('snapshot.json').upload(body, Buffer.byteLength(body));
      const downloaded = await container.getBlobClient('snapshot.json').downloadToBuffer();
      expect(JSON.parse(downloaded.toString())).toEqual({ keys: ['a', 'b'] });
    } finally {
      await container.delete();
    }
  });

  it('isolates names between tests', () => {
    expect(uniqueTableName()).toMatch(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
    expect(uniqueContainerName('Warm Snapshots')).toMatch(/^warm-snapshots-[a-z0-9]+$/);
    expect(uniqueTableName()).not.toBe(uniqueTableName());
  });
});
