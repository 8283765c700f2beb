import { z } from 'zod';
import { clusterParamsSchema } from '../../platform/registry/resourceId';
import type { RouteTable } from '../../platform/http/apiHandler';
import { jsonResponse } from '../../platform/http/ApiRequest';
import { parseInput } from '../../platform/http/parseInput';
import { queryOf } from '../../platform/http/queryOf';
import type { StoredEvent } from '../../platform/store/StoredEvent';
import { subjectOf } from '../../platform/events/toCloudEvent';
import { named } from '../../platform/http/RouteDoc';

export const eventsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Cursor: return events with a lower version (from the previous page's `next`). */
  before: z.coerce.number().int().min(2).optional().describe('version cursor from `next`'),
});

/** One audit-log entry as the API returns it. */
export const auditEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  version: z.int(),
  time: z.string(),
  principal: z.object({ id: z.string(), kind: z.string(), role: z.string() }),
  correlationId: z.string(),
  subject: z.string(),
  data: z.unknown(),
});

function entry(event: StoredEvent): z.infer<typeof auditEntrySchema> {
  const { id, type, version, time, principal, correlationId, data } = event;
  return { id, type, version, time, principal, correlationId, subject: subjectOf(event), data };
}

/** `/api/clusters/{id}/events`: the cluster's audit log, newest first, paged by version cursor. */
export const clusterEventRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'listClusterEvents',
      summary: 'Audit log of a cluster, newest first',
      query: eventsQuerySchema,
      responses: {
        '200': { description: 'a page of events', body: named('AuditPage', z.object({ items: z.array(auditEntrySchema), next: z.string().optional().describe('URL of the next (older) page') })) },
        '404': 'the cluster has no history',
      },
    },
    async handle({ req, cp }) {
      const { id } = parseInput(clusterParamsSchema, req.params, 'params');
      const { limit, before } = parseInput(eventsQuerySchema, queryOf(req.query), 'query');
      const page = await cp.clusters.events(id, limit, before);
      const next = page.nextBefore === undefined ? undefined : `/api/clusters/${id}/events?limit=${limit}&before=${page.nextBefore}`;
      return jsonResponse(200, { items: page.events.map(entry), ...(next ? { next } : {}) });
    },
  },
};
