import { etagOf } from '../store/preconditions';
import type { ApiRequest, ApiResponse } from './ApiRequest';
import { jsonResponse } from './ApiRequest';

/**
 * A versioned resource with its strong ETag. A GET whose `If-None-Match` holds the current tag gets 304 (no body),
 * so pollers re-download only what changed.
 */
export function resourceResponse(req: ApiRequest, status: number, resource: { version: number }, headers: Record<string, string> = {}): ApiResponse {
  const etag = etagOf(resource.version);
  if (req.method.toUpperCase() === 'GET') {
    const tags = (req.headers.get('if-none-match') ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (tags.includes(etag) || tags.includes('*')) return { status: 304, headers: { etag } };
  }
  return jsonResponse(status, resource, { etag, ...headers });
}
