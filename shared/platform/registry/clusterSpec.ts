import { z } from 'zod';
import { plainTextSchema } from './plainText';

/** Hostname (RFC 1123), IPv4 or bracket-less IPv6. */
const hostSchema = z
  .string()
  .min(1)
  .max(253)
  .refine(
    (h) => /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(h) || /^[0-9a-fA-F:]{2,39}$/.test(h),
    'must be a hostname or an IP address',
  );

export const endpointSchema = z.strictObject({
  host: hostSchema,
  port: z.int().min(1).max(65535),
});

/** A secret held in an app setting (in Azure a Key Vault reference app setting), named, never given. */
export const envSecretRefSchema = z.strictObject({ kind: z.literal('env'), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name') });

/** A Key Vault secret, read with the function app's managed identity. */
export const keyVaultSecretRefSchema = z.strictObject({
  kind: z.literal('keyVault'),
  secretUri: z
    .string()
    .max(512)
    .regex(
      /^https:\/\/[a-z0-9-]{3,24}\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net)\/secrets\/[A-Za-z0-9-]{1,127}(\/[0-9a-f]{32})?$/,
      'must be a Key Vault secret URI like https://<vault>.vault.azure.net/secrets/<name>',
    ),
});

/**
 * How the manager authenticates to the cache: always a *reference* resolved at connect time, never the secret.
 * - `none`: no AUTH (local development).
 * - `env`: name of an app setting holding the password (in Azure a Key Vault reference app setting).
 * - `keyVault`: a Key Vault secret URI, read with the function app's managed identity.
 * - `entra`: Microsoft Entra ID token auth (Azure Cache for Redis / Azure Managed Redis); optional client id of the
 *   user-assigned identity to use, default the app's.
 */
export const secretRefSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  envSecretRefSchema,
  keyVaultSecretRefSchema,
  z.strictObject({ kind: z.literal('entra'), clientId: z.uuid().optional() }),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

export const clusterModes = ['standalone', 'cluster', 'azure-cache-for-redis', 'azure-managed-redis'] as const;

/** What an admin registers (PUT body). Unknown fields are refused so a typo never silently drops a setting. */
export const clusterSpecSchema = z.strictObject({
  displayName: plainTextSchema(100).min(1).optional(),
  mode: z.enum(clusterModes),
  endpoints: z.array(endpointSchema).min(1).max(64),
  tls: z
    .strictObject({
      enabled: z.boolean(),
      /** SNI / certificate name when it differs from the endpoint host (e.g. connecting by IP). */
      servername: hostSchema.optional(),
    })
    .default({ enabled: false }),
  username: z.string().min(1).max(128).regex(/^[^\s:@/]+$/, 'must not contain whitespace, ":", "@" or "/"').optional(),
  secretRef: secretRefSchema,
  /** ARM id of the Azure cache, for operations done through Azure Resource Manager (eviction policy). */
  azureResourceId: z
    .string()
    .max(512)
    .regex(/^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]{1,90}\/providers\/Microsoft\.Cache\/(redis|redisEnterprise)\/[^/]{1,63}$/i, 'must be the ARM id of an Azure cache')
    .optional(),
  labels: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'label names are lower-case a-z, 0-9, ., _ and -'), plainTextSchema(256))
    .refine((r) => Object.keys(r).length <= 20, 'at most 20 labels')
    .optional(),
});
export type ClusterSpec = z.infer<typeof clusterSpecSchema>;

/** A registered cluster as the API returns it and as the projection holds it. */
export const clusterResourceSchema = clusterSpecSchema.extend({
  id: z.string(),
  /** Stream version of the last change to this registration; the resource's ETag. */
  version: z.int().min(1),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
});
export type ClusterResource = z.infer<typeof clusterResourceSchema>;
