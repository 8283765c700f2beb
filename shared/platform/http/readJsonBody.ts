import type { z } from 'zod';
import { DomainError } from '../store/DomainError';
import { parseJsonBounded } from './parseJsonBounded';
import { parseInput } from './parseInput';

/**
 * Parses a request body already read by `apiHandler` (size-checked there): requires a JSON content type, valid JSON
 * (400 `invalid_json`), then the schema (400 `validation_failed`). `inspect` runs on the raw JSON before the schema,
 * for checks that must also see unknown fields (secret detection).
 */
export function readJsonBody<S extends z.ZodType>(contentType: string | null, body: string, schema: S, inspect?: (raw: unknown) => void): z.output<S> {
  if (!contentType || !/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
    throw new DomainError('unsupported_media_type', 'unsupported_media_type', 'send the body as application/json');
  }
  const raw = parseJsonBounded(body);
  inspect?.(raw);
  return parseInput(schema, raw, 'body');
}
