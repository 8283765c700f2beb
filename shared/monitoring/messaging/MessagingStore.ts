import type { ContainerClient } from '@azure/storage-blob';
import type { ClusterMessaging } from './MessagingSnapshot';

/**
 * The last messaging snapshot of each cluster, one JSON blob per cluster (`<prefix>-messaging/<cluster>.json`).
 * A blob, not a table row: 10 000 streams with their groups are several MB, past a Table entity's 1 MiB; the
 * snapshot is read whole (next tick, the streams API) and written whole once per tick.
 */
export class MessagingStore {
  constructor(private readonly container: ContainerClient) {}

  async load(clusterId: string): Promise<ClusterMessaging | undefined> {
    try {
      const buffer = await this.container.getBlockBlobClient(`${clusterId}.json`).downloadToBuffer();
      return JSON.parse(buffer.toString('utf8')) as ClusterMessaging;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async save(snapshot: ClusterMessaging): Promise<void> {
    const body = JSON.stringify(snapshot);
    await this.container.getBlockBlobClient(`${snapshot.clusterId}.json`).upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  }

  async remove(clusterId: string): Promise<void> {
    await this.container.getBlockBlobClient(`${clusterId}.json`).deleteIfExists();
  }
}

/** Container name from the table prefix: lower case, letters/digits/hyphens, at most 63 characters. */
export function messagingContainerName(tablePrefix: string): string {
  return `${tablePrefix.toLowerCase().replace(/[^a-z0-9]/g, '')}-messaging`.slice(-63).replace(/^-+/, '');
}
