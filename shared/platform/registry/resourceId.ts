import { z } from 'zod';

/**
 * Ids of clusters and namespaces: lower-case DNS-label style. Narrow on purpose: they become Table partition keys,
 * URL segments, event subjects and Redis key prefixes, so path traversal, odd unicode and separators are refused
 * at the boundary.
 */
export const resourceIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const resourceIdSchema = z
  .string()
  .regex(resourceIdPattern, 'must be 1-63 characters of a-z, 0-9 and -, starting with a letter or digit');

/** Route parameters of everything under `/clusters/{id}`. */
export const clusterParamsSchema = z.object({ id: resourceIdSchema });

/** Route parameters of everything under `/clusters/{id}/namespaces/{ns}`. */
export const namespaceParamsSchema = z.object({ id: resourceIdSchema, ns: resourceIdSchema });
