import { app, type HttpRequest } from '@azure/functions';
import { lazy } from '../shared/platform/lazy';

/** GET /api/docs/assets/{name}: the reference page's scripts and stylesheets (static, no data, so anonymous). */
app.http('apiReferenceAssets', {
  route: 'docs/assets/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazy(async () => {
    const { apiReferenceAssetResponse } = await import('../shared/app/apiReference/apiReferenceRoutes.js');
    return (req: HttpRequest) => apiReferenceAssetResponse(req);
  }),
});
