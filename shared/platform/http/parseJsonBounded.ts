import { validationError } from '../store/DomainError';

/** Deepest nesting of arrays and objects an admin body may have; real bodies nest 4-5 levels. @default 32 */
export const maxJsonDepth = 32;

/**
 * Nesting depth of a JSON text, counted in one pass outside strings, before anything recursive touches it: 3,000
 * nested arrays are 6 KB (well under the size limit) but overflow the stack of every recursive walker after
 * `JSON.parse` (secret scan, schema). Stops counting once past `limit`.
 */
function depthOf(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Path of the first `__proto__` key (JSON.parse keeps it as an own property, object spreads and zod drop or misread it). */
function protoKeyPath(value: unknown, path: string[]): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === '__proto__') return [...path, key].join('.');
    const found = protoKeyPath(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `JSON.parse` for request bodies: 400 `invalid_json` for malformed text, for nesting deeper than `maxJsonDepth`
 * (checked before parsing) and for a `__proto__` key anywhere (never silently dropped), naming the field.
 */
export function parseJsonBounded(text: string, where = 'body', limit = maxJsonDepth): unknown {
  if (depthOf(text, limit) > limit) {
    throw validationError('invalid_json', `the request body nests deeper than ${limit} levels`, [{ field: where, message: `nesting deeper than ${limit} levels` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw validationError('invalid_json', 'the request body is not valid JSON', [{ field: where, message: 'not valid JSON' }]);
  }
  const proto = protoKeyPath(raw, [where]);
  if (proto !== undefined) throw validationError('validation_failed', `'__proto__' is not allowed as a key`, [{ field: proto, message: "'__proto__' is not allowed as a key" }]);
  return raw;
}
