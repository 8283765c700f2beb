import { z } from 'zod';
import { namespaceParamsSchema, resourceIdSchema } from '../../platform/registry/resourceId';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { conditionalHeaders } from '../../platform/http/conditionalHeaders';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { resourceResponse } from '../../platform/http/resourceResponse';
import { checkWarmPlan } from '../../platform/registry/checkWarmPlan';
import { namespacePolicyResourceSchema, namespacePolicySpecSchema, type NamespacePolicySpec } from '../../platform/registry/namespacePolicy';
import { named, resourceDoc } from '../../platform/http/RouteDoc';
import { rejectSecrets } from '../../platform/registry/findSecrets';
import { forbidden, validationError } from '../../platform/store/DomainError';
import { hasRole, type Principal } from '../../platform/auth/Principal';
import type { ControlPlane } from '../../platform/controlPlane';

const clusterParams = z.object({ id: resourceIdSchema });

/** The warm mapping's `key` is a key template, not a secret. */
const warmMappingFields = /^warmPlan\.mapping\.key$/;

/**
 * `retention: persistent` protects streams and queues from eviction; it is set by discovery or an operator. A PUT
 * that leaves `retention` out keeps the current value (an unrelated edit must not drop the protection), and
 * turning `persistent` back into `cache` is an admin's decision (403 otherwise).
 */
async function keepRetention(cp: ControlPlane, id: string, ns: string, spec: NamespacePolicySpec, principal: Principal): Promise<NamespacePolicySpec> {
  const current = (await cp.namespaces.list(id)).find((p) => p.namespace === ns);
  if (current?.retention !== 'persistent') return spec;
  if (spec.retention === undefined) return { ...spec, retention: 'persistent' };
  if (spec.retention === 'cache' && !hasRole(principal.role, 'admin')) throw forbidden(`namespace '${ns}' is marked persistent (it holds streams or queues): setting retention back to cache needs the admin role`);
  return spec;
}

/** `/api/clusters/{id}/namespaces/{ns}`: GET (reader), PUT (operator, If-Match / If-None-Match), DELETE (operator). */
const policyDoc = named('NamespacePolicy', namespacePolicyResourceSchema);
const missing = 'no such cluster or policy';

export const namespaceRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getNamespace',
      summary: 'Read a namespace policy',
      headers: ['If-None-Match'],
      responses: { '200': resourceDoc(policyDoc, 'the policy'), '304': 'not modified', '404': missing },
    },
    async handle({ req, cp }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      return resourceResponse(req, 200, await cp.namespaces.get(id, ns));
    },
  },
  PUT: {
    role: 'operator',
    doc: {
      operationId: 'putNamespace',
      summary: 'Create or replace a namespace policy',
      headers: ['If-Match', 'If-None-Match'],
      body: { schema: named('NamespacePolicySpec', namespacePolicySpecSchema) },
      responses: {
        '200': resourceDoc(policyDoc, 'replaced (or unchanged)'),
        '201': resourceDoc(policyDoc, 'created'),
        '404': 'the cluster is not registered',
        '409': 'concurrent writers kept winning; retry',
        '412': 'If-Match / If-None-Match failed; nothing changed',
        '413': 'body larger than 64 KiB',
        '415': 'body is not application/json',
      },
    },
    async handle({ req, body, cp, change }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      const preconditions = conditionalHeaders(req);
      const parsed = readJsonBody(req.headers.get('content-type'), body, namespacePolicySpecSchema, rejectSecrets({ allowedFields: warmMappingFields }));
      checkWarmPlan(parsed.warmPlan, change.principal);
      const source = parsed.warmPlan?.source;
      if (source?.kind === 'redis' && !(await cp.clusters.list()).some((c) => c.id === source.clusterId)) {
        const why = `cluster '${source.clusterId}' is not registered`;
        throw validationError('warm_source_refused', `warm source refused: ${why}`, [{ field: 'body.warmPlan.source.clusterId', message: why }]);
      }
      const spec = await keepRetention(cp, id, ns, parsed, change.principal);
      const { policy, created } = await cp.namespaces.put(id, ns, spec, change, preconditions);
      return resourceResponse(req, created ? 201 : 200, policy, created ? { location: `/api/clusters/${id}/namespaces/${ns}` } : {});
    },
  },
  DELETE: {
    role: 'operator',
    doc: {
      operationId: 'deleteNamespace',
      summary: 'Remove a namespace policy (keys in Redis are untouched)',
      headers: ['If-Match'],
      responses: { '204': 'removed', '404': missing, '412': 'If-Match failed' },
    },
    async handle({ req, cp, change }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      await cp.namespaces.remove(id, ns, change, conditionalHeaders(req));
      return { status: 204, headers: {} };
    },
  },
};

/** `/api/clusters/{id}/namespaces`: every policy of the cluster. */
export const namespaceListRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'listNamespaces',
      summary: 'List namespace policies of a cluster',
      responses: { '200': { description: 'policies', body: named('NamespacePolicyList', z.object({ items: z.array(namespacePolicyResourceSchema) })) }, '404': 'cluster not registered' },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParams, req.params, 'params');
      return jsonResponse(200, { items: await cp.namespaces.list(id) });
    },
  },
};
