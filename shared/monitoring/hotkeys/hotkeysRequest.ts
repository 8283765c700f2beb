import { z } from 'zod';

/** `POST /api/clusters/{id}/hotkeys` body; every field has a default, so `{}` is a 60 s radar. */
export const hotkeysRequestSchema = z.strictObject({
  /** How long the radar runs, in seconds (bounded: it is a sampling job, not a tap). @default 60 */
  durationSeconds: z.int().min(5).max(600).default(60),
  /** `auto`: OBJECT FREQ under an LFU policy, else MONITOR windows; `monitor` or `lfu` to force one. @default 'auto' */
  method: z.enum(['auto', 'monitor', 'lfu']).default('auto'),
  /** Length of one MONITOR window, ms. @default 500 */
  windowMs: z.int().min(100).max(5000).default(500),
  /** Share of the time MONITOR is on (a window of `windowMs` every `windowMs / dutyCycle`). @default 0.04 */
  dutyCycle: z.number().min(0.005).max(0.5).default(0.04),
  /** Hard cap of MONITOR bytes read per window and node (reading stops at exactly this many). @default 8388608 (8 MiB) */
  maxBytesPerWindow: z.int().min(65_536).max(67_108_864).default(8_388_608),
  /** Guard PING round trip, ms, above which a window stops early; null = no guard. @default 5 */
  maxLatencyMs: z.number().min(0.1).max(1000).nullable().default(5),
  /** Space-Saving counters per node (the error bound is total sampled / capacity). @default 1000 */
  capacity: z.int().min(50).max(5000).default(1000),
  /** Keys reported (cluster-wide and per node). @default 50 */
  topK: z.int().min(1).max(500).default(50),
  /** A key taking at least this share of its node's sampled commands is a `hot_key` finding. @default 0.05 */
  hotKeyShare: z.number().min(0.001).max(1).default(0.05),
  /** LFU path: keys SCANned for OBJECT FREQ per node (a sample, not the keyspace). @default 100000 */
  lfuSampleKeys: z.int().min(100).max(10_000_000).default(100_000),
  /** LFU path: keys probed per second per node. @default 20000 */
  lfuKeysPerSecond: z.int().min(100).max(1_000_000).default(20_000),
});
export type HotkeysRequest = z.infer<typeof hotkeysRequestSchema>;

const namespaceSchema = z.object({ namespace: z.string(), keyPattern: z.string() });

/** Job params: the request, the namespace policies as they were when the job was created, and whether MONITOR may run. */
export const hotkeysParamsSchema = hotkeysRequestSchema.extend({
  namespaces: z.array(namespaceSchema),
  /** False on Azure Managed Redis (see docs/monitoring.md, Hot keys): only the LFU path runs there. */
  monitorAllowed: z.boolean(),
});
export type HotkeysParams = z.infer<typeof hotkeysParamsSchema>;
