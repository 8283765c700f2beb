import type { z } from 'zod';
import { validationError } from '../store/DomainError';
import { zodFieldErrors } from './zodFieldErrors';

/** Validates route params or query values; a failure is a 400 `invalid_<where>` naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'params' | 'query' | 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = zodFieldErrors(result.error, where);
  throw validationError(where === 'body' ? 'validation_failed' : `invalid_${where}`, `${errors.length} invalid field(s): ${errors.map((e) => e.field).join(', ')}`, errors);
}
