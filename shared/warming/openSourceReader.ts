import type { ControlPlane } from '../platform/controlPlane';
import { loadSettings } from '../platform/config/loadSettings';
import { blobServiceClient, storageTarget } from '../platform/storage/storageClients';
import { blobSource } from './sources/blobSource';
import { httpSource } from './sources/httpSource';
import { redisSource } from './sources/redisSource';
import { snapshotBlobName, snapshotSource } from './sources/snapshotSource';
import type { WarmSourceReader } from './sources/WarmSourceReader';
import { WarmFailure } from './WarmFailure';
import type { WarmJobParams } from './warmJobParams';
import { warmSettings } from './warmSettings';

/** The reader for a plan's source. Source clusters and snapshots are looked up now (each chunk), not when planned. */
export async function openSourceReader(clusterId: string, params: WarmJobParams, cp: Pick<ControlPlane, 'clusters'>, random: () => number = Math.random): Promise<WarmSourceReader> {
  const source = params.plan.source;
  const ttlForPersistent = () => (params.ttlSeconds === null ? null : Math.round(params.ttlSeconds * 1000 * (1 + (random() * params.ttlJitterPercent) / 100)));
  const blobs = () => blobServiceClient(storageTarget(loadSettings()));
  switch (source.kind) {
    case 'blob':
      return blobSource(blobs(), source.container, source.blob, source.format);
    case 'http':
      return httpSource({
        url: source.url,
        format: source.format,
        policy: { allowedHosts: warmSettings().allowedHosts, allowPrivateNetworks: source.allowPrivateNetworks },
        maxBytes: source.maxBytes,
        timeoutMs: source.timeoutMs,
      });
    case 'redis': {
      if (source.clusterId === clusterId) throw new WarmFailure('plan_invalid', 'a Redis source must be another cluster than the one warmed', false);
      let registration;
      try {
        registration = await cp.clusters.get(source.clusterId);
      } catch {
        throw new WarmFailure('source_unreachable', `source cluster '${source.clusterId}' is not registered`, false);
      }
      return redisSource(registration, { pattern: source.pattern ?? params.keyPattern, readFrom: source.readFrom, ttlForPersistent });
    }
    case 'snapshot': {
      const container = warmSettings().snapshotContainer;
      const name = await snapshotBlobName(blobs(), container, clusterId, params.namespace, source.blob);
      return snapshotSource(blobs(), container, name, ttlForPersistent);
    }
  }
}
