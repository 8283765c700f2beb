import { app } from '@azure/functions';
import { apiHandler } from '../shared/http/apiHandler';
import { jsonResponse } from '../shared/http/ApiRequest';
import { buildOpenApiDocument } from '../shared/http/openapi';

/** GET /api/openapi.json: the admin API description (public within the function key; it holds no data). */
app.http('openapi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'function',
  handler: apiHandler({ GET: { role: 'public', handle: async () => jsonResponse(200, buildOpenApiDocument()) } }),
});
