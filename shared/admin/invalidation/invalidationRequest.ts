import { z } from 'zod';

/** A SCAN MATCH glob: printable ASCII without spaces, as namespace policies require. */
export const keyPatternSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (a Redis glob such as "user:42:*")');

export const latencyGuardSchema = z.strictObject({
  /** PING round trip (ms) above which the job backs off and shrinks its batches. @default 2 */
  maxLatencyMs: z.number().min(0.1).max(1000).default(2),
});

/** Pacing shared by the keyspace jobs (invalidation, TTL hygiene). */
export const pacingFields = {
  /** Keys acted on per second on each master; null = unlimited. @default 20000 */
  keysPerSecondPerNode: z.int().min(1).max(10_000_000).nullable().default(20_000),
  /** Latency guard; null = off. @default { maxLatencyMs: 2 } */
  latencyGuard: latencyGuardSchema.nullable().default({ maxLatencyMs: 2 }),
  /** SCAN COUNT (upper bound when the guard adapts it). @default 1000 */
  scanCount: z.int().min(10).max(10_000).default(1000),
};

/** Body of `POST /api/clusters/{id}/namespaces/{ns}/invalidate` (all optional). */
export const invalidateRequestSchema = z.strictObject({
  /** Narrower pattern inside the namespace (must start with the namespace pattern's literal prefix). @default the policy's keyPattern */
  pattern: keyPatternSchema.optional(),
  /** Estimate how many keys match (sampling) instead of deleting; answers 200 at once. @default false */
  dryRun: z.boolean().default(false),
  /** Required (with the admin role) for protected and persistent namespaces and match-everything patterns; also lets the job delete stream and queue keys. @default false */
  force: z.boolean().default(false),
  /** Most keys the job deletes; it stops there (`limitReached`). @default 10000000 */
  maxKeys: z.int().min(1).max(1_000_000_000).default(10_000_000),
  /** Dry run: keys sampled with RANDOMKEY over all masters. @default 2000 */
  sampleSize: z.int().min(100).max(100_000).default(2000),
  ...pacingFields,
});
export type InvalidateRequest = z.infer<typeof invalidateRequestSchema>;

/** What the job stores (and runs with). */
export interface InvalidateParams {
  pattern: string;
  maxKeys: number;
  keysPerSecondPerNode: number | null;
  latencyGuard: { maxLatencyMs: number } | null;
  scanCount: number;
  /** Admin's force: stream and queue keys are deleted too. Absent in jobs created before 0.2.0. */
  force?: boolean;
}
