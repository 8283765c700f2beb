import { app, type HttpRequest } from '@azure/functions';
import { lazy } from '../shared/platform/lazy';

/** GET /api/docs: the API reference page (Swagger UI over /api/openapi.json, served from the app's own files). */
app.http('apiReference', {
  route: 'docs',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazy(async () => {
    const { apiReferencePageResponse } = await import('../shared/app/apiReference/apiReferenceRoutes.js');
    return (req: HttpRequest) => apiReferencePageResponse(req);
  }),
});
