import { z } from 'zod';

const streamId = z.string().regex(/^\d{1,20}(-\d{1,20})?$/, 'must be a stream id such as 1700000000000-0');
const name = z.string().min(1).max(512);

const common = {
  /** The stream key (UTF-8, or base64 with keyEncoding). */
  key: z.string().min(1).max(2048),
  /** @default 'utf8' */
  keyEncoding: z.enum(['utf8', 'base64']).default('utf8'),
  /** Report what would happen, change nothing. @default false */
  dryRun: z.boolean().default(false),
};

/** Claim entries idle for at least `minIdleMs` to `consumer` (XAUTOCLAIM … JUSTID, paged). */
export const claimRequestSchema = z.strictObject({
  action: z.literal('claim'),
  ...common,
  group: name,
  /** The consumer that takes the entries over (created by Redis if it does not exist). */
  consumer: name,
  /** Only entries not delivered for at least this long. @default 60000 */
  minIdleMs: z.int().min(0).max(30 * 86_400_000).default(60_000),
  /** Entries per XAUTOCLAIM call. @default 100 */
  count: z.int().min(1).max(1000).default(100),
  /** Most entries claimed over the whole job. @default 1000000 */
  maxEntries: z.int().min(1).max(100_000_000).default(1_000_000),
  /** Entries claimed per second. @default 5000 */
  entriesPerSecond: z.int().min(1).max(1_000_000).default(5000),
});

/** Trim by length or id, never past the oldest pending or undelivered entry of any group unless `force` (admin). */
export const trimRequestSchema = z
  .strictObject({
    action: z.literal('trim'),
    ...common,
    /** Keep at most this many (newest) entries. */
    maxLen: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /** Remove entries with a lower id. */
    minId: streamId.optional(),
    /** Trim past what groups still need (pending or not yet delivered): those messages are lost. Admin only. @default false */
    force: z.boolean().default(false),
    /** Entries removed per XTRIM call (one short command each). @default 1000 */
    batch: z.int().min(1).max(10_000).default(1000),
    /** Entries removed per second. @default 20000 */
    entriesPerSecond: z.int().min(1).max(10_000_000).default(20_000),
  })
  .refine((r) => (r.maxLen === undefined) !== (r.minId === undefined), { message: 'give exactly one of maxLen and minId', path: ['maxLen'] });

/** Remove a consumer from its group, only when it holds no pending entries (claim them first). */
export const removeConsumerRequestSchema = z.strictObject({
  action: z.literal('remove-consumer'),
  ...common,
  group: name,
  consumer: name,
});

/** Body of `POST /api/clusters/{id}/stream-actions`. */
export const streamActionRequestSchema = z.discriminatedUnion('action', [claimRequestSchema, trimRequestSchema, removeConsumerRequestSchema]);
export type StreamActionRequest = z.output<typeof streamActionRequestSchema>;

/** What the `stream-action` job runs with: the request, the key as base64 (binary-safe). */
export type StreamActionParams = StreamActionRequest extends infer R ? (R extends StreamActionRequest ? Omit<R, 'key' | 'keyEncoding'> & { keyBase64: string } : never) : never;
