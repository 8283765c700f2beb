import { app, type HttpRequest } from '@azure/functions';
import { lazy } from '../shared/platform/lazy';

/** GET /api/dashboard: the monitoring dashboard (charts per cluster and node, topology, alerts, running jobs). */
app.http('dashboard', {
  route: 'dashboard',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazy(async () => {
    const { dashboardPageResponse } = await import('../shared/monitoring/console/dashboardRoutes.js');
    return (req: HttpRequest) => dashboardPageResponse(req);
  }),
});
