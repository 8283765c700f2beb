import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiRequest, ApiResponse } from '../../platform/http/ApiRequest';
import { problemResponse } from '../../platform/http/problem';
import { apiReferenceAssetNames, type ApiReferenceAssetName } from './apiReferenceAssetNames';
import { apiReferencePage, apiReferenceScript, apiReferenceStyles } from './apiReferencePage';

interface Asset {
  contentType: string;
  body: string;
  etag: string;
}

const asset = (contentType: string, body: string): Asset => ({ contentType, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });

/** A file of the installed `swagger-ui-dist` (a production dependency, so it is in the deployment package). */
function packageFile(name: string): string {
  return readFileSync(join(dirname(require.resolve('swagger-ui-dist/package.json')), name), 'utf8');
}

let assets: Record<ApiReferenceAssetName, Asset> | undefined;

/** Read once per instance on the first request: the bundle is 1.7 MB and most instances never serve it. */
function loadAssets(): Record<ApiReferenceAssetName, Asset> {
  return (assets ??= {
    'swagger-ui-bundle.js': asset('text/javascript; charset=utf-8', packageFile('swagger-ui-bundle.js')),
    'swagger-ui.css': asset('text/css; charset=utf-8', packageFile('swagger-ui.css')),
    'reference.js': asset('text/javascript; charset=utf-8', apiReferenceScript),
    'reference.css': asset('text/css; charset=utf-8', apiReferenceStyles),
  });
}

const page = asset('text/html; charset=utf-8', apiReferencePage);

/**
 * Only our own scripts and styles, calls to our own API; Swagger UI's icons are data: URIs in its stylesheet.
 * `style-src` has no 'unsafe-inline': React sets styles through the CSSOM, which CSP allows.
 */
export const apiReferenceSecurityHeaders = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function serve(req: ApiRequest, a: Asset, cacheControl: string): ApiResponse {
  const headers = { etag: a.etag, 'cache-control': cacheControl, ...apiReferenceSecurityHeaders };
  if ((req.headers.get('if-none-match') ?? '').split(',').map((t) => t.trim()).includes(a.etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, 'content-type': a.contentType }, body: a.body };
}

/** `GET /api/docs`: the page (function key, passed on to the document it loads). */
export function apiReferencePageResponse(req: ApiRequest): ApiResponse {
  return serve(req, page, 'no-cache');
}

/** `GET /api/docs/assets/{name}`: Swagger UI's files and ours (static, no data, so anonymous), revalidated by ETag. */
export function apiReferenceAssetResponse(req: ApiRequest): ApiResponse {
  const name = apiReferenceAssetNames.find((n) => n === req.params['name']);
  if (name === undefined) {
    const missing = problemResponse(404, 'asset_not_found', `no API reference asset by that name (known: ${apiReferenceAssetNames.join(', ')})`, [{ field: 'params.name', message: 'unknown asset' }]);
    return { ...missing, headers: { ...missing.headers, ...apiReferenceSecurityHeaders } };
  }
  return serve(req, loadAssets()[name], 'public, max-age=300, must-revalidate');
}
