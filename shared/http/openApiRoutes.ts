import type { RouteTable } from './apiHandler';
import { jsonResponse } from './ApiRequest';
import { buildOpenApiDocument } from './openapi';

/** `/api/openapi.json`: the document is built once per instance; it only changes with the code. */
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const openApiRoutes: RouteTable = {
  GET: { role: 'public', handle: async () => jsonResponse(200, (document ??= buildOpenApiDocument())) },
};
