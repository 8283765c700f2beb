import { z } from 'zod';

const slotSchema = z.int().min(0).max(16383);

/** A master named by its 40-hex node id or its `host:port`. */
export const nodeRefSchema = z.string().regex(/^([0-9a-f]{40}|[^\s:]+:\d{1,5})$/, 'a 40-hex node id or host:port');

/** Pacing of key moves: a PING round trip above `maxLatencyMs` on the source makes the saga back off. */
const latencyGuardSchema = z.strictObject({ maxLatencyMs: z.number().min(0.1).max(1000) }).nullable();

/** Tuning shared by every slot operation. */
export const moveTuningSchema = z.strictObject({
  /** Bytes (MEMORY USAGE) per multi-key MIGRATE. @default 1048576 (1 MiB) */
  bytesPerBatch: z.int().min(1024).max(256 * 1024 * 1024).default(1024 * 1024),
  /** Keys per MIGRATE (and per CLUSTER GETKEYSINSLOT) at most. @default 1000 */
  maxKeysPerBatch: z.int().min(1).max(10_000).default(1000),
  /** Keys at least this big (MEMORY USAGE) move alone, with a timeout scaled to their size. @default 8388608 (8 MiB) */
  bigKeyBytes: z.int().min(1024).max(4 * 1024 * 1024 * 1024).default(8 * 1024 * 1024),
  /** MIGRATE timeout of a normal batch (ms); big keys add 1 s per 8 MiB. @default 5000 */
  migrateTimeoutMs: z.int().min(100).max(600_000).default(5000),
  /** Steps in flight per source→target pair (pairs run in parallel too). @default 4 */
  slotConcurrency: z.int().min(1).max(32).default(4),
  /** Slots per step: their SETSLOTs (and nodes.conf fsyncs) and key fetches are pipelined, their keys share MIGRATE batches. @default 16 */
  slotsPerStep: z.int().min(1).max(256).default(16),
  /** @default { maxLatencyMs: 2 } (null = unpaced) */
  latencyGuard: latencyGuardSchema.default({ maxLatencyMs: 2 }),
});

export type MoveTuning = z.output<typeof moveTuningSchema>;

/**
 * `POST /api/clusters/{id}/slots/reshard`: move `slots` slots (taken from `from` masters in proportion to what they
 * own, like `redis-cli --cluster reshard`) or explicit `ranges` (from whoever owns them) to the master `to`.
 */
export const reshardRequestSchema = z
  .strictObject({
    to: nodeRefSchema,
    /** Source masters, or `all` (every master with slots except `to`). @default 'all' */
    from: z.union([z.literal('all'), z.array(nodeRefSchema).min(1).max(1000)]).default('all'),
    slots: z.int().min(1).max(16384).optional(),
    ranges: z.array(z.tuple([slotSchema, slotSchema])).min(1).max(16384).optional(),
    /** Only answer the plan (200), change nothing. @default false */
    dryRun: z.boolean().default(false),
    /** Needed (with the admin role) to accept the risks the plan names as data-loss risks. @default false */
    force: z.boolean().default(false),
  })
  .extend(moveTuningSchema.shape)
  .superRefine((value, ctx) => {
    if ((value.slots === undefined) === (value.ranges === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['slots'], message: "give exactly one of 'slots' (a count) or 'ranges'" });
    }
    value.ranges?.forEach(([a, b], i) => {
      if (a > b) ctx.addIssue({ code: 'custom', path: ['ranges', i], message: 'range start is after its end' });
    });
  });

export type ReshardRequest = z.output<typeof reshardRequestSchema>;

/** `POST /api/clusters/{id}/slots/fix`: repair every slot problem health reports without losing a key, or refuse it. */
export const fixRequestSchema = z
  .strictObject({
    /** Only answer the plan (200), change nothing. @default false */
    dryRun: z.boolean().default(false),
    /** With the admin role: reassign the slots of a master that is down (its keys are lost if it comes back). @default false */
    force: z.boolean().default(false),
  })
  .extend(moveTuningSchema.shape);

export type FixRequest = z.output<typeof fixRequestSchema>;
