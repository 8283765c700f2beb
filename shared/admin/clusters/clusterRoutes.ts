import type { RouteTable } from '../../platform/http/apiHandler';
import { conditionalHeaders } from '../../platform/http/conditionalHeaders';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { resourceResponse } from '../../platform/http/resourceResponse';
import { jsonResponse } from '../../platform/http/ApiRequest';
import { validationError } from '../../platform/store/DomainError';
import { clusterSpecSchema } from '../../platform/registry/clusterSpec';
import { findSecrets } from '../../platform/registry/findSecrets';
import { clusterParamsSchema } from '../../platform/registry/resourceId';

/** Secrets are refused before schema validation so even an unknown `password` field gets the precise message. */
function rejectSecrets(raw: unknown): void {
  const errors = findSecrets(raw).map((e) => ({ ...e, field: `body.${e.field}` }));
  if (errors.length > 0) throw validationError('secret_not_allowed', 'raw secrets are not accepted; register a secretRef (env, keyVault or entra)', errors);
}

/** `/api/clusters/{id}`: GET (reader), PUT register/replace (admin, If-Match / If-None-Match), DELETE (admin). */
export const clusterRoutes: RouteTable = {
  GET: {
    role: 'reader',
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      return resourceResponse(req, 200, await cp.clusters.get(id));
    },
  },
  PUT: {
    role: 'admin',
    async handle({ req, body, cp, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const preconditions = conditionalHeaders(req);
      const spec = readJsonBody(req.headers.get('content-type'), body, clusterSpecSchema, rejectSecrets);
      const { cluster, created } = await cp.clusters.put(id, spec, change, preconditions);
      return resourceResponse(req, created ? 201 : 200, cluster, created ? { location: `/api/clusters/${id}` } : {});
    },
  },
  DELETE: {
    role: 'admin',
    async handle({ req, cp, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      await cp.clusters.remove(id, change, conditionalHeaders(req));
      return { status: 204, headers: {} };
    },
  },
};

/** `/api/clusters`: every registered cluster. */
export const clusterListRoutes: RouteTable = {
  GET: {
    role: 'reader',
    async handle({ cp }) {
      return jsonResponse(200, { items: await cp.clusters.list() });
    },
  },
};
