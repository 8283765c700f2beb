import type { z } from 'zod';
import type { FieldError } from '../store/DomainError';

/** zod issues as `{ field, message }`, the field a dotted path under `prefix` (`body.endpoints.0.port`). */
export function zodFieldErrors(error: z.ZodError, prefix: string): FieldError[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = [prefix, ...issue.path.map(String)];
    // Unknown keys are reported on the object; naming the key itself is more useful to the caller.
    if (issue.code === 'unrecognized_keys') return { field: [...path, issue.keys[0] ?? ''].join('.'), message: `unknown field(s): ${issue.keys.join(', ')}` };
    return { field: path.join('.'), message: issue.message };
  });
}
