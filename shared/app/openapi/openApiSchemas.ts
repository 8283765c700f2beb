import { z } from 'zod';
import { auditEntrySchema } from '../../admin/clusters/clusterEventRoutes';
import { clusterResourceSchema, clusterSpecSchema } from '../../platform/registry/clusterSpec';
import { resourceIdSchema } from '../../platform/registry/resourceId';
import { jsonSchema } from '../../platform/http/openApiConventions';
import { namespacePolicyResourceSchema, namespacePolicySpecSchema } from '../../platform/registry/namespacePolicy';

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  code: z.string().describe('stable machine-readable error code'),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

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

export { jsonSchema };
