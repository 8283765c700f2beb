import { z } from 'zod';
import { moveTuningSchema, nodeRefSchema } from './slotRequest';

/**
 * `POST /api/clusters/{id}/slots/rebalance`: move slots so every master carries its weighted share of `weightBy`,
 * like `redis-cli --cluster rebalance` (which balances slot counts only).
 */
export const rebalanceRequestSchema = z
  .strictObject({
    /** What is balanced: slot count, keys (COUNTKEYSINSLOT), memory (sampled MEMORY USAGE) or ops/s (the monitor's history). @default 'slots' */
    weightBy: z.enum(['slots', 'keys', 'memory', 'ops']).default('slots'),
    /** Relative share per master (node id or host:port; others 1), like `--cluster-weight`; 0 drains a master. */
    weights: z.record(nodeRefSchema, z.number().min(0).max(1_000_000)).optional(),
    /** Percent a master may be off its share before anything moves, like `--cluster-threshold`. @default 2 */
    threshold: z.number().min(0).max(1000).default(2),
    /** weightBy 'ops': minutes of history averaged. @default 60 */
    opsWindowMinutes: z.int().min(1).max(1440).default(60),
    /** Only answer the plan (200), change nothing. @default false */
    dryRun: z.boolean().default(false),
    /** Needed (with the admin role) to accept the risks the plan names as data-loss risks. @default false */
    force: z.boolean().default(false),
  })
  .extend(moveTuningSchema.shape)
  .superRefine((value, ctx) => {
    if (Object.keys(value.weights ?? {}).length > 1000) ctx.addIssue({ code: 'custom', path: ['weights'], message: 'at most 1000 weights' });
  });

export type RebalanceRequest = z.output<typeof rebalanceRequestSchema>;
