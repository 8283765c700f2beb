import { z } from 'zod';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import { listNodes } from '../../platform/topology/listNodes';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { applyEvictionPolicy } from './applyEvictionPolicy';
import { evictionPolicies } from './evictionPolicies';
import { named, openObject } from '../../platform/http/RouteDoc';

/** PUT body. An unknown policy is a 400 whose message lists the valid ones. */
export const applyPolicyRequestSchema = z.strictObject({
  policy: z.enum(evictionPolicies, { error: () => `must be one of: ${evictionPolicies.join(', ')}` }),
  /** Azure Cache for Redis only: `maxmemory-reserved` (MB), set in the same ARM update. */
  maxmemoryReservedMb: z.int().min(0).max(1_048_576).optional(),
  /** `auto`: CONFIG SET for self-hosted caches, ARM for Azure ones. @default 'auto' */
  method: z.enum(['auto', 'config-set', 'arm']).default('auto'),
  /** Apply an allkeys-* policy although protected or persistent namespaces exist. @default false */
  force: z.boolean().default(false),
});

/**
 * `/api/clusters/{id}/eviction-policy`: GET (reader) the policy of every node; PUT (admin) applies one — CONFIG SET
 * on every master and replica (verified with CONFIG GET) or ARM for Azure caches — audited as
 * `Eviction.PolicyApplied`. 400 unknown policy, 409 protected namespaces without force, 422 CONFIG on an Azure cache
 * or no azureResourceId, 503 unreachable nodes / not applied everywhere.
 */
export const evictionPolicyRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getEvictionPolicy',
      summary: 'maxmemory-policy of every node, and the valid policies',
      responses: {
        '200': { description: 'policy per node', body: openObject('EvictionPolicy', 'clusterId, mode, policy (null when nodes differ), consistent, nodes (node, role, policy, used/max memory), unreachable, validPolicies') },
        '404': 'the cluster is not registered',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const cluster = await cp.clusters.get(id);
      return withRedisProblems(async () => {
        const { nodes, unreachable } = await withRedis(cluster, listNodes);
        const policies = [...new Set(nodes.map((n) => n.memory.policy))];
        return jsonResponse(200, {
          clusterId: id,
          mode: cluster.mode,
          policy: policies.length === 1 ? policies[0] : null,
          consistent: policies.length === 1 && unreachable.length === 0,
          nodes: nodes.map((n) => ({ node: n.name, role: n.role, policy: n.memory.policy, usedMemoryBytes: n.memory.usedBytes, maxmemoryBytes: n.memory.maxmemoryBytes })),
          unreachable,
          validPolicies: evictionPolicies,
        });
      });
    },
  },
  PUT: {
    role: 'admin',
    doc: {
      operationId: 'putEvictionPolicy',
      summary: 'Apply a maxmemory-policy: CONFIG SET on every master and replica (verified with CONFIG GET) or Azure Resource Manager for Azure caches; audited as Eviction.PolicyApplied',
      body: { schema: named('ApplyEvictionPolicyRequest', applyPolicyRequestSchema) },
      responses: {
        '200': { description: 'applied and verified on every node: before/after per node', body: openObject('EvictionPolicyApplied', 'before/after policy per node and how it was applied') },
        '404': 'the cluster is not registered',
        '409': 'allkeys-* while protected or persistent namespaces exist, without force (protected_namespaces)',
        '422': 'CONFIG SET on an Azure cache (config_set_not_supported), no azureResourceId (arm_resource_id_required), ARM refused',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = readJsonBody(req.headers.get('content-type'), body, applyPolicyRequestSchema);
      const cluster = await cp.clusters.get(id);
      const namespaces = await cp.namespaces.list(id);
      return withRedisProblems(async () => jsonResponse(200, await applyEvictionPolicy(cluster, namespaces, request, cp.streams, change)));
    },
  },
};
