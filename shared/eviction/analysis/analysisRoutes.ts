import { z } from 'zod';
import { clusterParamsSchema, resourceIdSchema } from '../../platform/registry/resourceId';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { acceptedJob, jobAcceptedDoc, jobIdSchema } from '../../platform/jobs/jobRoutes';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { JobService } from '../../platform/jobs/JobService';
import { withRedis } from '../../platform/redis/redisConnections';
import { redisUnavailableDoc, withRedisProblems } from '../../platform/redis/redisProblemResponse';
import { notFound } from '../../platform/store/DomainError';
import { stateOf } from './analysisCursor';
import { analysisParamsSchema, analysisRequestSchema, type AnalysisParams } from './analysisRequest';
import { buildAnalysis } from './buildAnalysis';
import { listNodes } from '../../platform/topology/listNodes';
import { named, openObject } from '../../platform/http/RouteDoc';

/**
 * `POST /api/clusters/{id}/analysis` (operator): 202 + `Location` of an `analysis` job (sampled by default, or
 * `exact`); the namespace policies are taken as they are now. 404 unknown cluster, 503 when it does not answer.
 */
export const analysisRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'analyzeCluster',
      summary: 'Memory analysis by namespace (keys, memory, types, TTL and idle/LFU distributions, top keys; sampled with 95 % bounds or exact) with an eviction-policy recommendation, as a job',
      headers: ['Idempotency-Key'],
      body: { schema: named('AnalysisRequest', analysisRequestSchema), required: false },
      responses: { '202': jobAcceptedDoc, '404': 'the cluster is not registered', '503': redisUnavailableDoc },
    },
    async handle({ req, body, cp, change }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const request = body.trim() === '' ? analysisRequestSchema.parse({}) : readJsonBody(req.headers.get('content-type'), body, analysisRequestSchema);
      const cluster = await cp.clusters.get(id);
      const namespaces = (await cp.namespaces.list(id)).map(({ namespace, keyPattern, ttlSeconds, priority, protected: isProtected, retention }) => ({
        namespace,
        keyPattern,
        ttlSeconds,
        priority,
        protected: isProtected,
        ...(retention ? { retention } : {}),
      }));
      return withRedisProblems(async () => {
        await withRedis(cluster, async (c) => (await c.client()).ping(), { timeoutMs: 5000 }); // fail fast before a job exists
        const params: AnalysisParams = { ...request, namespaces };
        const { job } = await new JobService(await jobRuntime(cp)).create(
          {
            kind: 'analysis',
            clusterId: id,
            params: { ...params },
            // Exact: every key SCANned, against the DBSIZE each cursor records when planned; sampled: the draws asked for.
            estimate:
              params.mode === 'exact'
                ? { counter: 'keysProbed', totalCounter: 'dbsize', exact: false, basis: 'DBSIZE of every master when the analysis was planned (keys come and go while it runs)' }
                : { counter: 'keysProbed', total: params.samples, exact: false, basis: 'RANDOMKEY draws requested, split over the masters by DBSIZE (at least 100 each)' },
          },
          change,
        );
        return acceptedJob(job);
      });
    },
  },
};

const reportParams = z.object({ id: resourceIdSchema, jobId: jobIdSchema });

/**
 * `GET /api/clusters/{id}/analysis/{jobId}` (reader): the full report of an analysis job — every namespace with
 * types, TTL and access buckets, top keys, and the recommendation with its reasons. 409 `analysis_not_finished`
 * while the job runs (its progress is at `/api/jobs/{jobId}`).
 */
export const analysisReportRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getClusterAnalysis',
      summary: 'Full report of a finished analysis job: every namespace and the recommendation with its reasons and numbers',
      params: { jobId: { description: 'the analysis job id', schema: named('JobId', jobIdSchema) } },
      responses: {
        '200': { description: 'the analysis', body: openObject('Analysis', 'jobId, namespaces (keys, memory, types, TTL and access buckets, top keys) and the recommendation with its reasons') },
        '404': 'no such cluster or analysis',
        '409': { description: 'the job has not finished (analysis_not_finished, with its status)', body: named('AnalysisNotFinished', z.object({ code: z.literal('analysis_not_finished'), status: z.string(), job: z.string() })) },
        '503': redisUnavailableDoc,
      },
    },
    async handle({ req, cp }) {
      const { id, jobId } = parseInput(reportParams, req.params, 'params');
      const cluster = await cp.clusters.get(id);
      const loaded = await (await jobRuntime(cp)).store.load(jobId);
      if (!loaded || loaded.job.kind !== 'analysis' || loaded.job.clusterId !== id) throw notFound('analysis_not_found', `no analysis '${jobId}' on cluster '${id}'`);
      if (loaded.job.status !== 'succeeded') {
        return jsonResponse(409, { code: 'analysis_not_finished', status: loaded.job.status, job: `/api/jobs/${jobId}` });
      }
      const params = analysisParamsSchema.parse(loaded.job.params);
      return withRedisProblems(async () => {
        const { nodes } = await withRedis(cluster, listNodes);
        return jsonResponse(200, { jobId, ...buildAnalysis(cluster, params, loaded.cursors.map(stateOf), nodes, loaded.job.startedAt ?? loaded.job.createdAt) });
      });
    },
  },
};
