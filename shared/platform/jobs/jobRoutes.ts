import { z } from 'zod';
import { clusterParamsSchema } from '../registry/resourceId';
import { jsonResponse } from '../http/ApiRequest';
import type { RouteTable } from '../http/apiHandler';
import { parseInput } from '../http/parseInput';
import { queryOf } from '../http/queryOf';
import { JobService } from './JobService';
import { jobRuntime } from './jobRuntime';
import { named, openObject, type ResponseDoc } from '../http/RouteDoc';

export const jobIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, 'must be a job id (a-z, 0-9, -)');
const jobParams = z.object({ id: jobIdSchema });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50).describe('at most this many jobs') });
const job = openObject(
  'Job',
  'a job: id, kind, clusterId, namespace, status, progress (summed and per node; progress.total = what the percentage counts against, when known), measure {counter, done, total, exact, basis} (exact false = the total is an estimate), percent (0-100; 100 only once succeeded), ratePerSecond, etaSeconds, pacing of keyspace jobs {keysPerSecond, binding (rate-limit | latency-guard | none), guard {maxLatencyMs, lastLatencyMs, backoffs, pauseMs}, rateLimit, timeMs per phase} and nodes[].pace, handoffs {count, totalMs, maxMs, lastMs} (chunk hand-offs: lease freed -> next lease), lease, result or error',
);
const jobParamsDoc = { id: { description: 'job id', schema: named('JobId', jobIdSchema) } };

/** The answer of a route that starts a job (see {@link acceptedJob}). */
export const jobAcceptedDoc: ResponseDoc = {
  description: 'job created; poll Location',
  body: named('JobAccepted', z.object({ jobId: z.string(), kind: z.string(), status: z.string(), href: z.string().describe('/api/jobs/{jobId}') })),
  headers: { Location: '/api/jobs/{jobId}' },
};

/** `GET /api/jobs/{id}` (reader): status, progress summed and per node, lease, result or error. */
export const jobRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getJob',
      summary: 'Status and progress of a job (summed and per node), lease, result or error',
      params: jobParamsDoc,
      responses: { '200': { description: 'the job', body: job }, '404': 'no such job' },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(jobParams, req.params, 'params');
      return jsonResponse(200, await new JobService(await jobRuntime(cp)).get(id));
    },
  },
};

/** `POST /api/jobs/{id}/cancel` (operator): 200 when cancelled now, 202 when the running chunk stops at its next checkpoint. */
export const jobCancelRoutes: RouteTable = {
  POST: {
    role: 'operator',
    doc: {
      operationId: 'cancelJob',
      summary: 'Cancel a job: at once when idle, else at its next checkpoint',
      params: jobParamsDoc,
      headers: ['Idempotency-Key'],
      responses: {
        '200': { description: 'cancelled', body: job },
        '202': { description: 'cancel requested; the running chunk stops at its next checkpoint', body: job },
        '404': 'no such job',
        '409': 'the job already finished',
      },
    },
    async handle({ req, cp, change }) {
      const { id } = parseInput(jobParams, req.params, 'params');
      const job = await new JobService(await jobRuntime(cp)).cancel(id, change);
      return jsonResponse(job.status === 'cancelled' ? 200 : 202, job, { location: `/api/jobs/${id}` });
    },
  },
};

/** `GET /api/clusters/{id}/jobs?limit=` (reader): the cluster's jobs, newest first (404 for an unknown cluster). */
export const clusterJobRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'listClusterJobs',
      summary: 'Jobs of a cluster, newest first',
      query: listQuery,
      responses: { '200': { description: 'jobs', body: named('JobList', z.object({ items: z.array(job.schema) })) }, '404': 'the cluster is not registered' },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const { limit } = parseInput(listQuery, queryOf(req.query), 'query');
      await cp.clusters.get(id);
      return jsonResponse(200, { items: await new JobService(await jobRuntime(cp)).list(id, limit) });
    },
  },
};

/** The 202 every job-starting route answers with. */
export function acceptedJob(job: { id: string; status: string; kind: string }): ReturnType<typeof jsonResponse> {
  return jsonResponse(202, { jobId: job.id, kind: job.kind, status: job.status, href: `/api/jobs/${job.id}` }, { location: `/api/jobs/${job.id}` });
}
