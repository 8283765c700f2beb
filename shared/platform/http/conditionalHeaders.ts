import { validationError } from '../store/DomainError';
import type { Preconditions } from '../store/preconditions';
import type { ApiRequest } from './ApiRequest';

/** `"abc", W/"def"` → [`"abc"`, `W/"def"`]; `*` → '*'. Malformed lists are a 400, not a silent mismatch. */
function parseEtagList(header: string, name: string): '*' | string[] {
  if (header.trim() === '*') return '*';
  const tags = header.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  if (tags.length === 0 || tags.length > 20 || tags.some((t) => !/^(W\/)?"[\x21\x23-\x7e]*"$/.test(t))) {
    throw validationError('invalid_header', `${name} must be * or a list of quoted entity tags`, [{ field: `headers.${name.toLowerCase()}`, message: 'not an entity-tag list' }]);
  }
  return tags;
}

/** Reads `If-Match` / `If-None-Match` into domain preconditions. */
export function conditionalHeaders(req: ApiRequest): Preconditions {
  const preconditions: Preconditions = {};
  const ifMatch = req.headers.get('if-match');
  const ifNoneMatch = req.headers.get('if-none-match');
  if (ifMatch !== null) preconditions.ifMatch = parseEtagList(ifMatch, 'If-Match');
  if (ifNoneMatch !== null) preconditions.ifNoneMatch = parseEtagList(ifNoneMatch, 'If-None-Match');
  return preconditions;
}
