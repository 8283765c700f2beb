import { z } from 'zod';
import { named, type DocumentedRoutes } from '../../platform/http/RouteDoc';
import { apiReferenceAssetNames } from './apiReferenceAssetNames';

/** `GET /api/docs` (function key). */
export const apiReferencePageDocs: DocumentedRoutes = {
  GET: {
    role: 'public',
    doc: {
      operationId: 'getApiReference',
      summary: 'This API as a readable reference page (Swagger UI, served by the app); open it with ?code=<function key>',
      tag: 'meta',
      responses: { '200': { description: 'the page', contentType: 'text/html', body: named('HtmlPage', z.string()) }, '304': 'not modified' },
    },
  },
};

/** `GET /api/docs/assets/{name}` (anonymous: static files of swagger-ui-dist and ours). */
export const apiReferenceAssetDocs: DocumentedRoutes = {
  GET: {
    role: 'public',
    doc: {
      operationId: 'getApiReferenceAsset',
      summary: "The reference page's scripts and stylesheets",
      tag: 'meta',
      params: { name: { description: 'asset name', schema: named('ApiReferenceAssetName', z.enum(apiReferenceAssetNames)) } },
      responses: { '200': { description: 'the asset (text/javascript or text/css)', contentType: 'text/plain', body: named('StaticAsset', z.string()) }, '304': 'not modified', '404': 'no such asset' },
    },
  },
};
