import { openObject, type DocumentedRoutes } from '../http/RouteDoc';

const report = openObject('HealthReport', "status (ok | degraded), version, uptime and each dependency's status, latency or reason");

/** `GET /api/health` (anonymous; not a route table, because it must answer when storage is down). */
export const healthRouteDocs: DocumentedRoutes = {
  GET: {
    role: 'public',
    doc: {
      operationId: 'getHealth',
      summary: "Health of the manager's own dependencies (Table Storage, Redis), version and uptime",
      tag: 'meta',
      responses: { '200': { description: 'all dependencies ok', body: report }, '503': { description: 'a dependency is down', body: report } },
    },
  },
};
