import { z } from 'zod';
import { ncrontabProblem } from '../schedule/ncrontab';

const blobName = z.string().min(1).max(1024).regex(/^[^\\]+$/, 'must be a blob name without backslashes');
const containerName = z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a Blob Storage container name');
const format = z.enum(['ndjson', 'json-array']).default('ndjson');

/** Where a warm reads from. */
export const warmSourceSchema = z.discriminatedUnion('kind', [
  /** An NDJSON or JSON-array file in the app's Blob Storage account (Azurite locally). */
  z.strictObject({ kind: z.literal('blob'), container: containerName, blob: blobName, format }),
  /**
   * An HTTP(S) endpoint, streamed. The host must be in `WARM_HTTP_ALLOWED_HOSTS`; private, loopback, link-local
   * (cloud metadata) and other non-public addresses are refused unless `allowPrivateNetworks` (admin only).
   */
  z.strictObject({
    kind: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }).max(2048),
    format,
    /** Admin only: allow private/loopback addresses (e.g. a service inside the VNet). @default false */
    allowPrivateNetworks: z.boolean().default(false),
    /** Largest response accepted. @default 1073741824 (1 GiB) */
    maxBytes: z.int().min(1).max(64 * 2 ** 30).default(2 ** 30),
    /** Time limit of one request (a chunk re-requests from its offset). @default 60000 */
    timeoutMs: z.int().min(1000).max(600_000).default(60_000),
  }),
  /** Another registered cluster (or its replicas), keys by pattern, copied with DUMP/RESTORE and their remaining TTL. */
  z.strictObject({
    kind: z.literal('redis'),
    clusterId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    /** SCAN MATCH pattern. @default the namespace's keyPattern */
    pattern: z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/).optional(),
    /** Read from replicas to spare the source masters. @default "replica" */
    readFrom: z.enum(['master', 'replica']).default('replica'),
  }),
  /** A hot-set snapshot of this namespace taken earlier (`POST .../warm-plan/snapshot`); the newest unless named. */
  z.strictObject({ kind: z.literal('snapshot'), blob: blobName.optional() }),
]);
export type WarmSource = z.infer<typeof warmSourceSchema>;

const fieldPath = z.string().min(1).max(128).regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a field name or dotted path');

/** How a source record becomes a key and a value (file and HTTP sources; Redis sources copy keys as they are). */
export const warmMappingSchema = z.strictObject({
  /** Key template: `{field}` is replaced by the record's field (string or number). Must land in the namespace. */
  key: z.string().min(1).max(512).regex(/\{[A-Za-z0-9_.$-]+\}/, 'must reference at least one {field}'),
  /** Field holding the value; null = the whole record (its JSON text as read). @default "value" */
  value: fieldPath.nullable().default('value'),
  /** A string value is stored as UTF-8 (`utf8`) or decoded (`base64`); objects and numbers are stored as JSON. @default "utf8" */
  valueEncoding: z.enum(['utf8', 'base64']).default('utf8'),
  /** Numeric version field of the record (version-compare); also the field looked up in the stored JSON value. */
  versionField: fieldPath.optional(),
});

/**
 * A warm plan: how to fill one namespace. Stored inside the namespace policy (`warmPlan`), so every change is a
 * `Namespace.PolicyChanged` event in the cluster's stream (audited, versioned, ETag/If-Match).
 */
export const warmPlanSchema = z
  .strictObject({
    source: warmSourceSchema,
    mapping: warmMappingSchema.optional(),
    /** `nx` never overwrites (fresher data wins); `overwrite`; `version-compare` writes only newer versions. @default "nx" */
    writeMode: z.enum(['nx', 'overwrite', 'version-compare']).default('nx'),
    /** Keys written per second, at most. @default null (as fast as the cache takes them) */
    keysPerSecond: z.int().min(1).max(10_000_000).nullable().default(null),
    /** The job fails once more records than this failed (malformed, oversized, refused). @default 1000 */
    maxFailed: z.int().min(0).max(100_000_000).default(1000),
    /** ...or once this share of the records read failed (checked after 1000 records). @default 0.01 */
    maxFailedRatio: z.number().min(0).max(1).default(0.01),
    /** Values larger than this are refused (counted as failed). @default 1048576 */
    maxValueBytes: z.int().min(1).max(512 * 2 ** 20).default(2 ** 20),
    /** Stop after this many records (safety maximum). @default null (no limit) */
    maxKeys: z.int().min(1).nullable().default(null),
    /** Six-field NCRONTAB (UTC) on which the plan runs, e.g. "0 0 3 * * *". @default null (no schedule) */
    schedule: z
      .string()
      .max(128)
      .superRefine((s, ctx) => {
        const problem = ncrontabProblem(s);
        if (problem) ctx.addIssue({ code: 'custom', message: `must be a six-field NCRONTAB schedule, e.g. "0 0 3 * * *" (${problem})` });
      })
      .nullable()
      .default(null),
    /** Warm again when the namespace is invalidated (`Keys.Invalidated`). @default false */
    rewarmAfterInvalidation: z.boolean().default(false),
    /** Warm after Azure patched or scaled the cache (`Microsoft.Cache.PatchingCompleted/ScalingCompleted`). @default true */
    rewarmAfterMaintenance: z.boolean().default(true),
  })
  .superRefine((plan, ctx) => {
    const needsMapping = plan.source.kind === 'blob' || plan.source.kind === 'http';
    if (needsMapping && !plan.mapping) ctx.addIssue({ code: 'custom', path: ['mapping'], message: 'file and HTTP sources need a mapping (key template and value field)' });
    if (plan.writeMode === 'version-compare' && needsMapping && !plan.mapping?.versionField) {
      ctx.addIssue({ code: 'custom', path: ['mapping', 'versionField'], message: "writeMode 'version-compare' needs mapping.versionField" });
    }
  });
export type WarmPlan = z.infer<typeof warmPlanSchema>;
export type WarmMapping = z.infer<typeof warmMappingSchema>;
