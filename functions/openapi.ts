import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/openapi.json: the admin API description (public within the function key; it holds no data). */
app.http('openapi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/app/openapi/openApiRoutes.js')).openApiRoutes),
});
