import type { RouteTable } from '../../platform/http/apiHandler';
import { jsonResponse } from '../../platform/http/ApiRequest';
import { openObject } from '../../platform/http/RouteDoc';
import document from '../../../infra/openapi.json';

/**
 * `/api/openapi.json`: exactly the document API Management imports (`infra/openapi.json`, generated from the route
 * declarations by `npm run openapi`, kept in sync by a test), so the served and the imported description cannot differ.
 */
export const openApiRoutes: RouteTable = {
  GET: {
    role: 'public',
    doc: {
      operationId: 'getOpenApi',
      summary: 'This document',
      tag: 'meta',
      responses: { '200': { description: 'OpenAPI 3.0.3', body: openObject('OpenApiDocument', 'an OpenAPI 3.0.3 document') } },
    },
    handle: async () => jsonResponse(200, document),
  },
};
