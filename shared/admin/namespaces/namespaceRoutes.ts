import { z } from 'zod';
import { namespaceParamsSchema, resourceIdSchema } from '../../platform/registry/resourceId';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { conditionalHeaders } from '../../platform/http/conditionalHeaders';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { resourceResponse } from '../../platform/http/resourceResponse';
import { checkWarmPlan } from '../../platform/registry/checkWarmPlan';
import { namespacePolicySpecSchema } from '../../platform/registry/namespacePolicy';

const clusterParams = z.object({ id: resourceIdSchema });

/** `/api/clusters/{id}/namespaces/{ns}`: GET (reader), PUT (operator, If-Match / If-None-Match), DELETE (operator). */
export const namespaceRoutes: RouteTable = {
  GET: {
    role: 'reader',
    async handle({ req, cp }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      return resourceResponse(req, 200, await cp.namespaces.get(id, ns));
    },
  },
  PUT: {
    role: 'operator',
    async handle({ req, body, cp, change }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      const preconditions = conditionalHeaders(req);
      const spec = readJsonBody(req.headers.get('content-type'), body, namespacePolicySpecSchema);
      checkWarmPlan(spec.warmPlan, change.principal);
      const { policy, created } = await cp.namespaces.put(id, ns, spec, change, preconditions);
      return resourceResponse(req, created ? 201 : 200, policy, created ? { location: `/api/clusters/${id}/namespaces/${ns}` } : {});
    },
  },
  DELETE: {
    role: 'operator',
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
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParams, req.params, 'params');
      return jsonResponse(200, { items: await cp.namespaces.list(id) });
    },
  },
};
