import { z } from 'zod';
import { named, type DocumentedRoutes } from '../../platform/http/RouteDoc';
import { dashboardAssetNames } from './dashboardAssetNames';

/** `GET /api/dashboard` (function key): the operator console; its data calls need an API key (sign-in form) or Entra through APIM. */
export const dashboardPageDocs: DocumentedRoutes = {
  GET: {
    role: 'public',
    doc: {
      operationId: 'getDashboard',
      summary: 'The operator console (HTML); its data calls need an API key (sign-in form, kept in session storage) or Entra through API Management',
      tag: 'meta',
      responses: { '200': { description: 'the page', contentType: 'text/html', body: named('HtmlPage', z.string()) }, '304': 'not modified' },
    },
  },
};

/** `GET /api/dashboard/assets/{name}` (anonymous: static, no data). */
export const dashboardAssetDocs: DocumentedRoutes = {
  GET: {
    role: 'public',
    doc: {
      operationId: 'getDashboardAsset',
      summary: "The console's bundled script and stylesheet (esbuild, uPlot included), its Entra sign-in (MSAL bundle, the popup's signed-in.html and redirect bridge) and entra-config.json (client id, authority, scope; nothing secret)",
      tag: 'meta',
      params: { name: { description: 'asset name', schema: named('DashboardAssetName', z.enum(dashboardAssetNames)) } },
      responses: { '200': { description: 'the asset (text/javascript or text/css)', contentType: 'text/plain', body: named('StaticAsset', z.string()) }, '304': 'not modified', '404': 'no such asset' },
    },
  },
};
