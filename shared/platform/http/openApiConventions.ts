import { z } from 'zod';

export type Operation = Record<string, unknown>;

/** JSON Schema 2020-12 (the dialect of OpenAPI 3.1) of a zod schema, as a request (`input`) or response (`output`). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** The helpers the composition root's document builder hands each area, so every route follows the same conventions. */
export interface OpenApiHelpers {
  op(operationId: string, summary: string, role: string, parameters: unknown[], responses: Record<string, unknown>, requestBody?: string): Operation;
  problem(description: string): unknown;
  json(schema: unknown): unknown;
  idParam: unknown;
}
