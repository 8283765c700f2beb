import { z } from 'zod';
import { auditEntrySchema } from '../clusters/clusterEventRoutes';
import { clusterResourceSchema, clusterSpecSchema } from '../clusters/clusterSpec';
import { resourceIdSchema } from '../clusters/resourceId';
import { namespacePolicyResourceSchema, namespacePolicySpecSchema } from '../namespaces/namespacePolicy';

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  code: z.string().describe('stable machine-readable error code'),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** JSON Schema 2020-12 (the dialect of OpenAPI 3.1) of a zod schema, as a request (`input`) or response (`output`). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** `components.schemas`, every one derived from the schemas the handlers validate with. */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  return {
    ClusterSpec: jsonSchema(clusterSpecSchema, 'input'),
    Cluster: jsonSchema(clusterResourceSchema, 'output'),
    ClusterList: jsonSchema(z.object({ items: z.array(clusterResourceSchema) }), 'output'),
    NamespacePolicySpec: jsonSchema(namespacePolicySpecSchema, 'input'),
    NamespacePolicy: jsonSchema(namespacePolicyResourceSchema, 'output'),
    NamespacePolicyList: jsonSchema(z.object({ items: z.array(namespacePolicyResourceSchema) }), 'output'),
    AuditPage: jsonSchema(z.object({ items: z.array(auditEntrySchema), next: z.string().optional().describe('URL of the next (older) page') }), 'output'),
    Problem: jsonSchema(problemSchema, 'output'),
    ResourceId: jsonSchema(resourceIdSchema, 'input'),
  };
}
