import type { RouteTable } from '../../platform/http/apiHandler';
import { conditionalHeaders } from '../../platform/http/conditionalHeaders';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { resourceResponse } from '../../platform/http/resourceResponse';
import { jsonResponse } from '../../platform/http/ApiRequest';
import { validationError } from '../../platform/store/DomainError';
import { clusterResourceSchema, clusterSpecSchema } from '../../platform/registry/clusterSpec';
import { rejectSecrets } from '../../platform/registry/findSecrets';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import { cacheSecretSettingRefusal } from '../../platform/redis/cacheSecretSetting';
import { named, resourceDoc } from '../../platform/http/RouteDoc';
import { z } from 'zod';

/** `/api/clusters/{id}`: GET (reader), PUT register/replace (admin, If-Match / If-None-Match), DELETE (admin). */
const cluster = named('Cluster', clusterResourceSchema);
const notRegistered = 'the cluster is not registered';

export const clusterRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getCluster',
      summary: 'Read a cluster registration',
      headers: ['If-None-Match'],
      responses: { '200': resourceDoc(cluster, 'the cluster'), '304': 'not modified', '404': notRegistered },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      return resourceResponse(req, 200, await cp.clusters.get(id));
    },
  },
  PUT: {
    role: 'admin',
    doc: {
      operationId: 'putCluster',
      summary: 'Register or replace a cluster (secret references only)',
      headers: ['If-Match', 'If-None-Match'],
      body: { schema: named('ClusterSpec', clusterSpecSchema) },
      responses: {
        '200': resourceDoc(cluster, 'replaced (or unchanged)'),
        '201': resourceDoc(cluster, 'created'),
        '409': 'concurrent writers kept winning; retry',
        '412': 'If-Match / If-None-Match failed; nothing changed',
        '413': 'body larger than 64 KiB',
        '415': 'body is not application/json',
      },
    },
    async handle({ req, body, cp, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const preconditions = conditionalHeaders(req);
      const spec = readJsonBody(req.headers.get('content-type'), body, clusterSpecSchema, rejectSecrets());
      const refusal = spec.secretRef.kind === 'env' ? cacheSecretSettingRefusal(spec.secretRef.name) : null;
      if (refusal) throw validationError('secret_ref_not_allowed', `secretRef refused: ${refusal}`, [{ field: 'body.secretRef.name', message: refusal }]);
      const { cluster, created } = await cp.clusters.put(id, spec, change, preconditions);
      return resourceResponse(req, created ? 201 : 200, cluster, created ? { location: `/api/clusters/${id}` } : {});
    },
  },
  DELETE: {
    role: 'admin',
    doc: {
      operationId: 'deleteCluster',
      summary: 'Remove a cluster registration and its namespace policies',
      headers: ['If-Match'],
      responses: { '204': 'removed', '404': notRegistered, '412': 'If-Match failed' },
    },
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
    doc: {
      operationId: 'listClusters',
      summary: 'List registered clusters',
      responses: { '200': { description: 'clusters', body: named('ClusterList', z.object({ items: z.array(clusterResourceSchema) })) } },
    },
    async handle({ cp }) {
      return jsonResponse(200, { items: await cp.clusters.list() });
    },
  },
};
