import { app, type HttpRequest } from '@azure/functions';
import { lazy } from '../shared/platform/lazy';

/** GET /api/dashboard/assets/{name}: the dashboard's script and stylesheet (static, no data, so anonymous). */
app.http('dashboardAssets', {
  route: 'dashboard/assets/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazy(async () => {
    const { dashboardAssetResponse } = await import('../shared/monitoring/console/dashboardRoutes.js');
    return (req: HttpRequest) => dashboardAssetResponse(req);
  }),
});
