import type { DomainEvent } from '../../platform/events/catalogue';
import { notFound } from '../../platform/store/DomainError';
import { checkPreconditions, type Preconditions } from '../../platform/store/preconditions';
import type { StoredEvent } from '../../platform/store/StoredEvent';
import { clusterStreamId } from '../../platform/store/streamId';
import type { ChangeContext, ClusterStreams } from '../../platform/registry/ClusterStreams';
import type { ClusterResource, ClusterSpec } from '../../platform/registry/clusterSpec';

/** Registrations of Redis deployments: the admin API's `clusters` resource. */
export class ClusterService {
  constructor(private readonly streams: ClusterStreams) {}

  async get(clusterId: string): Promise<ClusterResource> {
    const { state } = await this.streams.load(clusterId);
    if (!state.cluster) throw notFound('cluster_not_found', `cluster '${clusterId}' is not registered`);
    return state.cluster;
  }

  async list(): Promise<ClusterResource[]> {
    const clusters: ClusterResource[] = [];
    for await (const state of this.streams.all()) if (state.cluster) clusters.push(state.cluster);
    return clusters.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Registers or replaces; identical content is a no-op (no event, same ETag). */
  async put(clusterId: string, spec: ClusterSpec, context: ChangeContext, preconditions?: Preconditions): Promise<{ cluster: ClusterResource; created: boolean }> {
    let created = false;
    const { state } = await this.streams.change(clusterId, context, (current): DomainEvent[] => {
      checkPreconditions(current.cluster, preconditions);
      created = current.cluster === null;
      if (!current.cluster) return [{ type: 'RedisClusterManager.Cluster.Registered', data: { clusterId, cluster: spec } }];
      const changedFields = changedKeys(specOf(current.cluster), spec);
      if (changedFields.length === 0) return [];
      return [{ type: 'RedisClusterManager.Cluster.Updated', data: { clusterId, cluster: spec, changedFields } }];
    });
    if (!state.cluster) throw new Error('projection lost the cluster just written');
    return { cluster: state.cluster, created };
  }

  async remove(clusterId: string, context: ChangeContext, preconditions?: Preconditions): Promise<void> {
    await this.streams.change(clusterId, context, (current): DomainEvent[] => {
      if (!current.cluster) throw notFound('cluster_not_found', `cluster '${clusterId}' is not registered`);
      checkPreconditions(current.cluster, preconditions);
      return [{ type: 'RedisClusterManager.Cluster.Removed', data: { clusterId } }];
    });
  }

  /** The audit log, newest first; kept after removal (404 only when the stream never existed). */
  async events(clusterId: string, limit: number, beforeVersion?: number): Promise<{ events: StoredEvent[]; nextBefore?: number }> {
    const page = await this.streams.store.readBackward(clusterStreamId(clusterId), limit, beforeVersion);
    if (page.events.length === 0 && (await this.streams.store.head(clusterStreamId(clusterId))).version === 0) {
      throw notFound('cluster_not_found', `cluster '${clusterId}' has no history`);
    }
    return page;
  }
}

function specOf(resource: ClusterResource): ClusterSpec {
  const { id: _id, version: _v, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, ...spec } = resource;
  return spec;
}

/** Top-level fields whose JSON differs (key order inside values is the schema's, so stringify is stable). */
function changedKeys(before: ClusterSpec, after: ClusterSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof ClusterSpec>;
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}
