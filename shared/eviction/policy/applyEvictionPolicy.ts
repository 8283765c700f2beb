import type { TokenCredential } from '@azure/core-auth';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import type { ChangeContext, ClusterStreams } from '../../platform/registry/ClusterStreams';
import { azureCredential } from '../../platform/config/azureCredential';
import type { NamespacePolicyResource } from '../../platform/registry/namespacePolicy';
import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import { DomainError, conflict } from '../../platform/store/DomainError';
import { applyToAzureCache, applyToManagedRedis, type ArmOptions } from './applyViaArm';
import { applyViaConfigSet, configSetRefused, type NodeChange } from './applyViaConfigSet';
import type { EvictionPolicy } from './evictionPolicies';
import { parseAzureResourceId } from './parseAzureResourceId';

export interface ApplyPolicyRequest {
  policy: EvictionPolicy;
  /** Azure Cache for Redis only: `maxmemory-reserved` in MB, set in the same ARM update. */
  maxmemoryReservedMb?: number | undefined;
  /** `auto` picks CONFIG SET for self-hosted caches and ARM for Azure ones. @default 'auto' */
  method?: 'auto' | 'config-set' | 'arm' | undefined;
  /** Apply an allkeys-* policy although protected or persistent namespaces exist. @default false */
  force?: boolean | undefined;
}

export interface ApplyPolicyResult {
  clusterId: string;
  method: 'config-set' | 'arm';
  previous: EvictionPolicy | null;
  applied: EvictionPolicy;
  /** Every node (or the ARM resource) read back with the new policy. */
  verified: boolean;
  nodes: NodeChange[];
  maxmemoryReservedMb?: number;
  /** Stream version of the `Eviction.PolicyApplied` event (the audit entry). */
  auditVersion: number;
}

export interface ApplyPolicyOptions {
  manager?: RedisConnectionManager;
  /** ARM credential. @default azureCredential(AZURE_CLIENT_ID) */
  credential?: TokenCredential;
  /** @default 'https://management.azure.com' */
  armEndpoint?: string;
  armPollIntervalMs?: number;
  /** Pipeline options of the ARM clients (proxy, private CA). */
  armClientOptions?: ArmOptions['clientOptions'];
}

/**
 * Applies a `maxmemory-policy` to a registered cache — CONFIG SET on every node of a self-hosted cache, ARM for
 * Azure caches — and records `Eviction.PolicyApplied` with before/after per node in the cluster's stream (the
 * audit log), even when only part of it could be applied, so the log tells what the nodes run.
 */
export async function applyEvictionPolicy(
  cluster: ClusterResource,
  namespaces: readonly NamespacePolicyResource[],
  request: ApplyPolicyRequest,
  streams: ClusterStreams,
  change: ChangeContext,
  options: ApplyPolicyOptions = {},
): Promise<ApplyPolicyResult> {
  const azure = cluster.mode === 'azure-cache-for-redis' || cluster.mode === 'azure-managed-redis';
  const method = request.method === undefined || request.method === 'auto' ? (azure ? 'arm' : 'config-set') : request.method;
  if (method === 'config-set' && azure) throw configSetRefused(cluster.mode);
  if (method === 'arm' && !azure) throw new DomainError('validation', 'arm_not_applicable', `cluster '${cluster.id}' is self-hosted (mode '${cluster.mode}'): its policy is applied with CONFIG SET (method 'config-set' or 'auto')`);
  if (request.maxmemoryReservedMb !== undefined && cluster.mode !== 'azure-cache-for-redis') {
    throw new DomainError('validation', 'maxmemory_reserved_not_applicable', 'maxmemoryReservedMb applies to Azure Cache for Redis only', [{ field: 'body.maxmemoryReservedMb', message: `not applicable to mode '${cluster.mode}'` }]);
  }
  guardProtected(namespaces, request);

  let outcome: { previous: EvictionPolicy | null; nodes: NodeChange[] };
  if (method === 'arm') {
    if (!cluster.azureResourceId) {
      throw new DomainError('unprocessable', 'arm_resource_id_required', `cluster '${cluster.id}' (${cluster.mode}) has no azureResourceId: register it (PUT /api/clusters/${cluster.id}) so the policy can be applied through Azure Resource Manager; CONFIG SET is disabled on Azure caches`);
    }
    const resource = parseAzureResourceId(cluster.azureResourceId);
    const expected = cluster.mode === 'azure-cache-for-redis' ? 'redis' : 'redisEnterprise';
    if (resource.type !== expected) throw new DomainError('validation', 'azure_resource_mismatch', `mode '${cluster.mode}' needs a Microsoft.Cache/${expected} resource, azureResourceId names Microsoft.Cache/${resource.type}`);
    const arm = {
      credential: options.credential ?? azureCredential(process.env['AZURE_CLIENT_ID']),
      ...(options.armEndpoint ? { endpoint: options.armEndpoint } : {}),
      ...(options.armPollIntervalMs !== undefined ? { pollIntervalMs: options.armPollIntervalMs } : {}),
      ...(options.armClientOptions ? { clientOptions: options.armClientOptions } : {}),
    };
    outcome = resource.type === 'redis' ? await applyToAzureCache(resource, request.policy, request.maxmemoryReservedMb, arm) : await applyToManagedRedis(resource, request.policy, arm);
  } else {
    const run = (connection: Parameters<typeof applyViaConfigSet>[0]) => applyViaConfigSet(connection, request.policy);
    outcome = options.manager ? await options.manager.run(cluster, run) : await withRedis(cluster, run);
  }

  const changed = outcome.nodes.filter((n) => n.after !== n.before);
  const [event] = await streams.record(cluster.id, change, [
    {
      type: 'RedisClusterManager.Eviction.PolicyApplied',
      data: {
        clusterId: cluster.id,
        previous: outcome.previous,
        applied: request.policy,
        method,
        nodes: outcome.nodes.map(({ node, role, before, after, verified }) => ({ node, role, before, after, verified })),
        ...(request.maxmemoryReservedMb !== undefined ? { maxmemoryReservedMb: request.maxmemoryReservedMb } : {}),
        forced: request.force === true,
      },
    },
  ]);
  const verified = outcome.nodes.length > 0 && outcome.nodes.every((n) => n.verified);
  if (!verified) {
    const failed = outcome.nodes.filter((n) => !n.verified);
    throw new DomainError(
      'unavailable',
      'policy_not_applied_everywhere',
      `${request.policy} is in place on ${outcome.nodes.length - failed.length} of ${outcome.nodes.length} node(s) (${changed.length} changed); recorded in the audit log; retry the PUT`,
      failed.map((n) => ({ field: n.node, message: `${n.error ?? 'read back'}: before ${n.before ?? 'unknown'}, now ${n.after ?? 'unknown'}` })),
    );
  }
  return {
    clusterId: cluster.id,
    method,
    previous: outcome.previous,
    applied: request.policy,
    verified,
    nodes: outcome.nodes,
    ...(request.maxmemoryReservedMb !== undefined ? { maxmemoryReservedMb: request.maxmemoryReservedMb } : {}),
    auditVersion: event?.version ?? 0,
  };
}

/** allkeys-* evicts any key: refused while protected or persistent namespaces exist, unless forced. */
function guardProtected(namespaces: readonly NamespacePolicyResource[], request: ApplyPolicyRequest): void {
  if (!request.policy.startsWith('allkeys-') || request.force === true) return;
  const atRisk = namespaces.filter((n) => n.protected || n.retention === 'persistent').map((n) => n.namespace);
  if (atRisk.length === 0) return;
  throw conflict('protected_namespaces', `${request.policy} can evict keys of protected/persistent namespaces (${atRisk.join(', ')}); use a volatile-* policy, or send "force": true to accept losing them`);
}
