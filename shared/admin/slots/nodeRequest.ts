import { z } from 'zod';
import { endpointSchema } from '../../platform/registry/clusterSpec';
import { moveTuningSchema, nodeRefSchema } from './slotRequest';

/** `host:port` of a node to add, checked like a registered endpoint (hostname or IP, port 1–65535). */
const addressSchema = z
  .string()
  .max(300)
  .transform((text, ctx) => {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text);
    const parsed = m ? endpointSchema.safeParse({ host: m[1], port: Number(m[2]) }) : undefined;
    if (!parsed?.success) {
      ctx.addIssue({ code: 'custom', message: 'must be host:port (a hostname or IP address, port 1-65535)' });
      return z.NEVER;
    }
    return parsed.data;
  });

/**
 * `POST /api/clusters/{id}/slots/add-node`: add `address` to the cluster as an empty master, or as a replica of
 * `replicaOf` (a master's id or `host:port`).
 */
export const addNodeRequestSchema = z.strictObject({
  address: addressSchema,
  replicaOf: nodeRefSchema.optional(),
  /** Only answer the plan (200), change nothing. @default false */
  dryRun: z.boolean().default(false),
  /** How long the job waits for every node to know the new one (and a replica to sync). @default 60000 */
  waitMs: z.int().min(1000).max(600_000).default(60_000),
});
export type AddNodeRequest = z.output<typeof addNodeRequestSchema>;

/**
 * `POST /api/clusters/{id}/slots/remove-node`: drain `node` (a master's slots go to the other masters, evening
 * out slot counts), then CLUSTER FORGET it on every other node and CLUSTER RESET it.
 */
export const removeNodeRequestSchema = z
  .strictObject({
    node: nodeRefSchema,
    /** CLUSTER RESET SOFT the removed node at the end, so it cannot gossip its way back. @default true */
    reset: z.boolean().default(true),
    /** Only answer the plan (200), change nothing. @default false */
    dryRun: z.boolean().default(false),
    /** Needed (with the admin role) for a node that does not answer and for a plan's data-loss risks. @default false */
    force: z.boolean().default(false),
  })
  .extend(moveTuningSchema.shape);
export type RemoveNodeRequest = z.output<typeof removeNodeRequestSchema>;

/** The CLUSTER FAILOVER modes: `default` waits for the replica to catch up; `force` and `takeover` may lose writes. */
export const failoverModes = ['default', 'force', 'takeover'] as const;

/** `POST /api/clusters/{id}/slots/failover`: promote the replica `replica` (id or `host:port`). */
export const failoverRequestSchema = z.strictObject({
  replica: nodeRefSchema,
  /** @default 'default' (FORCE and TAKEOVER need the admin role and `force: true`) */
  mode: z.enum(failoverModes).default('default'),
  /** Only answer the plan (200), change nothing. @default false */
  dryRun: z.boolean().default(false),
  /** Needed, with the admin role, for `force` and `takeover`. @default false */
  force: z.boolean().default(false),
  /** How long the job waits for the replica to report master and every master to agree. @default 60000 */
  waitMs: z.int().min(1000).max(600_000).default(60_000),
});
export type FailoverRequest = z.output<typeof failoverRequestSchema>;
