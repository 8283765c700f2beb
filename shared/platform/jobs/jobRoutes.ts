import { z } from 'zod';
import { clusterParamsSchema } from '../registry/resourceId';
import { jsonResponse } from '../http/ApiRequest';
import type { RouteTable } from '../http/apiHandler';
import { parseInput } from '../http/parseInput';
import { JobService } from './JobService';
import { jobRuntime } from './jobRuntime';

export const jobIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, 'must be a job id (a-z, 0-9, -)');
const jobParams = z.object({ id: jobIdSchema });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** `GET /api/jobs/{id}` (reader): status, progress summed and per node, lease, result or error. */
export const jobRoutes: RouteTable = {
  GET: {
    role: 'reader',
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
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const { limit } = parseInput(listQuery, Object.fromEntries(req.query), 'query');
      await cp.clusters.get(id);
      return jsonResponse(200, { items: await new JobService(await jobRuntime(cp)).list(id, limit) });
    },
  },
};

/** The 202 every job-starting route answers with. */
export function acceptedJob(job: { id: string; status: string; kind: string }): ReturnType<typeof jsonResponse> {
  return jsonResponse(202, { jobId: job.id, kind: job.kind, status: job.status, href: `/api/jobs/${job.id}` }, { location: `/api/jobs/${job.id}` });
}
