import { z } from 'zod';

/**
 * The OpenAPI 3.0 schema object of a zod schema, as a request (`input`: defaults make fields optional) or a response
 * (`output`). 3.0 and not 3.1 because API Management processes 3.0.x fully and 3.1 only on import (docs/api.md).
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
