import type { RouteTable } from '../../platform/http/apiHandler';
import { jsonResponse } from '../../platform/http/ApiRequest';
import { buildOpenApiDocument } from './buildOpenApiDocument';

/** `/api/openapi.json`: the document is built once per instance; it only changes with the code. */
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const openApiRoutes: RouteTable = {
  GET: { role: 'public', handle: async () => jsonResponse(200, (document ??= buildOpenApiDocument())) },
};
