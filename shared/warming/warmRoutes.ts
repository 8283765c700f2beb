import { z } from 'zod';
import { namespaceParamsSchema, resourceIdSchema } from '../platform/registry/resourceId';
import { jsonResponse } from '../platform/http/ApiRequest';
import type { RouteTable } from '../platform/http/apiHandler';
import { parseInput } from '../platform/http/parseInput';
import { readJsonBody } from '../platform/http/readJsonBody';
import { acceptedJob, jobAcceptedDoc } from '../platform/jobs/jobRoutes';
import { jobRuntime } from '../platform/jobs/jobRuntime';
import { loadSettings } from '../platform/config/loadSettings';
import { redisUnavailableDoc, withRedisProblems } from '../platform/redis/redisProblemResponse';
import { blobServiceClient, storageTarget } from '../platform/storage/storageClients';
import { takeHotSetSnapshot } from './hotSetSnapshot';
import { requestWarm } from './requestWarm';
import { warmSettings } from './warmSettings';
import { named, openObject } from '../platform/http/RouteDoc';

/** `POST /api/clusters/{id}/warm` body. */
export const warmRequestSchema = z.strictObject({
  /** The namespace whose warm plan runs. */
  namespace: resourceIdSchema,
  /** Read and check the whole source, write nothing; the job's counts say what would be written. @default false */
  dryRun: z.boolean().default(false),
  /** Required (with the admin role) for an overwriting plan whose keys may belong to a protected namespace. @default false */
  force: z.boolean().default(false),
});

/** `POST /api/clusters/{id}/namespaces/{ns}/warm-snapshot` body. */
export const warmSnapshotRequestSchema = z.strictObject({
  /** Keys kept, hottest first. @default 10000 */
  topN: z.int().min(1).max(1_000_000).default(10_000),
  /** Keys examined before ranking. @default 200000 */
  maxScan: z.int().min(1).max(10_000_000).default(200_000),
});

const clusterParams = z.object({ id: resourceIdSchema });

/** `POST /api/clusters/{id}/warm` (operator): 202 + `Location` of the warm job. */
export const warmRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'warmNamespace',
      summary: "Run a namespace's warm plan as a job (dry run: read and check the source, write nothing)",
      headers: ['Idempotency-Key'],
      body: { schema: named('WarmRequest', warmRequestSchema) },
      responses: { '202': jobAcceptedDoc, '404': 'the cluster or namespace is not registered', '409': 'the namespace has no warm plan (warm_plan_missing)' },
    },
    async handle({ req, body, cp, change }) {
      const { id } = parseInput(clusterParams, req.params, 'params');
      const request = readJsonBody(req.headers.get('content-type'), body, warmRequestSchema);
      await cp.clusters.get(id);
      const { job } = await requestWarm(await jobRuntime(cp), { clusterId: id, namespace: request.namespace, reason: 'manual', dryRun: request.dryRun, force: request.force }, change);
      return acceptedJob(job);
    },
  },
};

/**
 * `POST /api/clusters/{id}/namespaces/{ns}/warm-snapshot` (operator): takes a hot-set snapshot now (bounded by
 * `maxScan` and `topN`) and answers 201 with where it is; a plan with a `snapshot` source restores it.
 */
export const warmSnapshotRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'takeWarmSnapshot',
      summary: 'Store the hot set of a namespace (top keys by LFU frequency or idle time, as DUMP payloads) in Blob Storage',
      headers: ['Idempotency-Key'],
      body: { schema: named('WarmSnapshotRequest', warmSnapshotRequestSchema), required: false },
      responses: {
        '201': { description: 'the snapshot', body: openObject('WarmSnapshot', 'container, blob, keys and rankedBy of the stored snapshot') },
        '404': 'the cluster or namespace is not registered',
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, body, cp }) {
      const { id, ns } = parseInput(namespaceParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? warmSnapshotRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, warmSnapshotRequestSchema);
      const cluster = await cp.clusters.get(id);
      const policy = await cp.namespaces.get(id, ns);
      return withRedisProblems(async () => {
        const snapshot = await takeHotSetSnapshot(cluster, { namespace: ns, keyPattern: policy.keyPattern }, blobServiceClient(storageTarget(loadSettings())), warmSettings().snapshotContainer, request);
        return jsonResponse(201, snapshot);
      });
    },
  },
};
