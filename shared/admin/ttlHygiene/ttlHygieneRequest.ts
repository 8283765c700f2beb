import { z } from 'zod';
import { pacingFields } from '../invalidation/invalidationRequest';

/** Body of `POST /api/clusters/{id}/namespaces/{ns}/ttl-hygiene` (all optional). */
export const ttlHygieneRequestSchema = z.strictObject({
  /** Count keys without a TTL, change nothing. @default false */
  dryRun: z.boolean().default(false),
  /** Required (with the admin role) for protected and persistent namespaces; also lets the job touch stream and queue keys. @default false */
  force: z.boolean().default(false),
  ...pacingFields,
});

/** What a TTL hygiene job runs with. */
export interface TtlHygieneParams {
  pattern: string;
  ttlSeconds: number;
  jitterPercent: number;
  dryRun: boolean;
  keysPerSecondPerNode: number | null;
  latencyGuard: { maxLatencyMs: number } | null;
  scanCount: number;
  /** Admin's force: stream and queue keys are not skipped. Absent in jobs created before 0.2.0. */
  force?: boolean;
}
