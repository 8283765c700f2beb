import { createHash } from 'node:crypto';
import type { ApiRequest, ApiResponse } from '../../platform/http/ApiRequest';
import { consoleAsset } from './consoleAssets';
import { dashboardAssetNames } from './dashboardAssetNames';
import { problemResponse } from '../../platform/http/problem';
import { dashboardPage } from './dashboardPage';
import { loadSettings } from '../../platform/config/loadSettings';
import { consoleEntraConfig, type ConsoleEntraConfig } from './consoleEntraConfig';
import { signedInPage } from './signedInPage';

interface Asset {
  contentType: string;
  body: string;
  etag: string;
}

const asset = (contentType: string, body: string): Asset => ({ contentType, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });

const page = asset('text/html; charset=utf-8', dashboardPage);
const signedIn = asset('text/html; charset=utf-8', signedInPage);

let entra: { config: ConsoleEntraConfig; asset: Asset; headers: Record<string, string> } | undefined;

/**
 * Only our own script and styles, data from our own API (and, with Entra sign-in, the authority's token endpoint:
 * MSAL exchanges the code there); no inline code, no framing. uPlot positions with CSSOM (`element.style.x = ...`),
 * which `style-src 'self'` allows (it forbids style attributes and elements only). Read once per process.
 */
function securityHeaders(): Record<string, string> {
  if (!entra) {
    const config = consoleEntraConfig(loadSettings());
    const connect = config.enabled ? `'self' ${new URL(config.authority).origin}` : "'self'";
    entra = {
      config,
      asset: asset('application/json; charset=utf-8', JSON.stringify(config)),
      headers: {
        'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${connect}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      },
    };
  }
  return entra.headers;
}

function serve(req: ApiRequest, a: Asset, cacheControl: string): ApiResponse {
  const headers = { etag: a.etag, 'cache-control': cacheControl, ...securityHeaders() };
  if ((req.headers.get('if-none-match') ?? '').split(',').map((t) => t.trim()).includes(a.etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, 'content-type': a.contentType }, body: a.body };
}

/** `GET /api/dashboard`: the console (function key; the data calls need an API key or Entra sign-in too). */
export function dashboardPageResponse(req: ApiRequest): ApiResponse {
  return serve(req, page, 'no-cache');
}

/** `GET /api/dashboard/assets/{name}`: the console's bundled script and stylesheet (no secrets in them, so anonymous), revalidated by ETag. */
export function dashboardAssetResponse(req: ApiRequest): ApiResponse {
  const name = req.params['name'] ?? '';
  if (name === 'signed-in.html') return serve(req, signedIn, 'no-cache');
  if (name === 'entra-config.json') {
    securityHeaders();
    return serve(req, (entra as NonNullable<typeof entra>).asset, 'no-cache');
  }
  const found = consoleAsset(name);
  if (!found) {
    const missing = problemResponse(404, 'asset_not_found', `no dashboard asset by that name (known: ${dashboardAssetNames.join(', ')})`, [{ field: 'params.name', message: 'unknown asset' }]);
    return { ...missing, headers: { ...missing.headers, ...securityHeaders() } };
  }
  return serve(req, found, 'public, max-age=300, must-revalidate');
}
