import { z } from 'zod';
import { warmPlanSchema } from '../platform/registry/warmPlan';

export const warmReasonSchema = z.enum(['schedule', 'invalidation', 'azure-maintenance', 'manual']);

/**
 * Parameters of a `warm` job: the plan and the namespace rules as they were when the warm was requested, so a
 * plan edited mid-warm does not change a running job.
 */
export const warmJobParamsSchema = z.object({
  namespace: z.string(),
  keyPattern: z.string(),
  ttlSeconds: z.int().nullable(),
  ttlJitterPercent: z.int(),
  /** Stream version of the namespace policy the plan came from. */
  policyVersion: z.int(),
  plan: warmPlanSchema,
  reason: warmReasonSchema,
  dryRun: z.boolean(),
  causationId: z.string().optional(),
});
export type WarmJobParams = z.infer<typeof warmJobParamsSchema>;

/** What the `source` cursor row of a warm job holds. */
export interface WarmCursorState {
  /** Source position after the last acknowledged write (null: start; also null once done). */
  position: unknown;
  /** The first failed records (line numbers and reasons), at most 20. */
  errors: { line?: number; key?: string; code: string; message: string }[];
  /** Set once the warm failed for good, before the job is marked failed; a chunk that finds it finishes the job failed. */
  failure?: { code: string; message: string; retryable: boolean };
  /**
   * Write-ahead: a piece may be writing from `position` (set before a piece, cleared when a chunk ends cleanly). Found
   * set by the next holder, the previous one died mid-piece: what it wrote after `position` is not in the counts.
   */
  open?: boolean;
}
