import type { ChangeContext, ClusterStreams } from '../../platform/registry/ClusterStreams';
import type { DomainEvent } from '../../platform/events/catalogue';
import { forbidden, notFound } from '../../platform/store/DomainError';
import { hasRole } from '../auth/Principal';
import { checkPreconditions, type Preconditions } from '../../platform/store/preconditions';
import { namespaceIn } from './clusterStreamState';
import type { NamespacePolicyResource, NamespacePolicySpec } from '../../platform/registry/namespacePolicy';

const clusterMissing = (clusterId: string) => notFound('cluster_not_found', `cluster '${clusterId}' is not registered`);

/** Per-namespace policies of a cluster; they live in the cluster's stream so they change atomically with it. */
export class NamespaceService {
  constructor(private readonly streams: ClusterStreams) {}

  async get(clusterId: string, namespace: string): Promise<NamespacePolicyResource> {
    const { state } = await this.streams.load(clusterId);
    if (!state.cluster) throw clusterMissing(clusterId);
    const policy = namespaceIn(state, namespace);
    if (!policy) throw notFound('namespace_not_found', `namespace '${namespace}' has no policy on cluster '${clusterId}'`);
    return policy;
  }

  async list(clusterId: string): Promise<NamespacePolicyResource[]> {
    const { state } = await this.streams.load(clusterId);
    if (!state.cluster) throw clusterMissing(clusterId);
    return Object.values(state.namespaces).sort((a, b) => a.namespace.localeCompare(b.namespace));
  }

  /** Creates or replaces the policy; identical content is a no-op. */
  async put(clusterId: string, namespace: string, policy: NamespacePolicySpec, context: ChangeContext, preconditions?: Preconditions): Promise<{ policy: NamespacePolicyResource; created: boolean }> {
    let created = false;
    const { state } = await this.streams.change(clusterId, context, (current): DomainEvent[] => {
      if (!current.cluster) throw clusterMissing(clusterId);
      const existing = namespaceIn(current, namespace) ?? null;
      checkPreconditions(existing, preconditions);
      if ((existing?.protected ?? false) !== policy.protected) requireAdmin(context, `changing 'protected' of namespace '${namespace}'`);
      if (existing?.protected && existing.keyPattern !== policy.keyPattern) requireAdmin(context, `changing the keyPattern of protected namespace '${namespace}'`);
      created = existing === null;
      if (existing && sameSpec(existing, policy)) return [];
      return [{ type: 'RedisClusterManager.Namespace.PolicyChanged', data: { clusterId, namespace, policy, created } }];
    });
    const written = namespaceIn(state, namespace);
    if (!written) throw new Error('projection lost the namespace just written');
    return { policy: written, created };
  }

  async remove(clusterId: string, namespace: string, context: ChangeContext, preconditions?: Preconditions): Promise<void> {
    await this.streams.change(clusterId, context, (current): DomainEvent[] => {
      if (!current.cluster) throw clusterMissing(clusterId);
      const existing = namespaceIn(current, namespace);
      if (!existing) throw notFound('namespace_not_found', `namespace '${namespace}' has no policy on cluster '${clusterId}'`);
      checkPreconditions(existing, preconditions);
      if (existing.protected) requireAdmin(context, `removing protected namespace '${namespace}'`);
      return [{ type: 'RedisClusterManager.Namespace.Removed', data: { clusterId, namespace } }];
    });
  }
}

/** Protection itself is the admin's: an operator who could unprotect, re-pattern or delete would get around it. */
function requireAdmin(context: ChangeContext, what: string): void {
  if (!hasRole(context.principal.role, 'admin')) throw forbidden(`${what} needs the admin role`);
}

function sameSpec(existing: NamespacePolicyResource, spec: NamespacePolicySpec): boolean {
  return (Object.keys(spec) as (keyof NamespacePolicySpec)[]).every((k) => JSON.stringify(existing[k]) === JSON.stringify(spec[k]));
}
