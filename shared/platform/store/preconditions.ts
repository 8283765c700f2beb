import { preconditionFailed } from './DomainError';

/**
 * Conditional-request state of a write, independent of HTTP: entity tags are strong `"<version>"` strings
 * (`shared/platform/http/conditionalHeaders.ts` reads them from `If-Match` / `If-None-Match`).
 */
export interface Preconditions {
  ifMatch?: '*' | readonly string[];
  ifNoneMatch?: '*' | readonly string[];
}

/** Strong ETag of a resource at `version`: the representation of one version never changes. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Throws 412 unless the preconditions hold for `current` (null = the resource does not exist). If-Match uses strong
 * comparison (RFC 9110 §13.1.1), so a weak `W/"3"` never matches.
 */
export function checkPreconditions(current: { version: number } | null, preconditions: Preconditions = {}): void {
  const { ifMatch, ifNoneMatch } = preconditions;
  const etag = current ? etagOf(current.version) : undefined;
  if (ifMatch !== undefined) {
    const matches = etag !== undefined && (ifMatch === '*' || ifMatch.includes(etag));
    if (!matches) throw preconditionFailed(current ? `If-Match does not match the current ETag ${etag}` : 'If-Match given but the resource does not exist');
  }
  if (ifNoneMatch !== undefined && etag !== undefined) {
    const matches = ifNoneMatch === '*' || ifNoneMatch.some((tag) => tag.replace(/^W\//, '') === etag);
    if (matches) throw preconditionFailed(ifNoneMatch === '*' ? 'the resource already exists (If-None-Match: *)' : `If-None-Match matches the current ETag ${etag}`);
  }
}
