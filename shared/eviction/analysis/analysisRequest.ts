import { z } from 'zod';

/** `POST /api/clusters/{id}/analysis` body; every field has a default, so `{}` is a sampled analysis. */
export const analysisRequestSchema = z.strictObject({
  /** `sampled`: RANDOMKEY samples, estimates with 95 % bounds (seconds); `exact`: full SCAN of every master. @default 'sampled' */
  mode: z.enum(['sampled', 'exact']).default('sampled'),
  /**
   * Sampled: keys drawn over all masters. Capped so a sampled job is one chunk (100 000 draws at the default rate take
   * ~5 s on one master). @default 20000
   */
  samples: z.int().min(100).max(100_000).default(20_000),
  /** Delimiter of key prefixes for keys outside configured namespaces. @default ':' */
  delimiter: z.string().min(1).max(8).default(':'),
  /** Keys probed per second per master. @default 20000 */
  maxKeysPerSecond: z.int().min(100).max(1_000_000).default(20_000),
  /** Exact: SCAN COUNT per page. @default 1000 */
  scanCount: z.int().min(10).max(10_000).default(1000),
  /** `MEMORY USAGE … SAMPLES`: elements sampled in aggregates (0 = all). @default 5 */
  memorySamples: z.int().min(0).max(10_000).default(5),
  /** Largest keys kept per namespace. @default 10 */
  topKeys: z.int().min(1).max(20).default(10),
});
export type AnalysisRequest = z.infer<typeof analysisRequestSchema>;

const namespaceSchema = z.object({
  namespace: z.string(),
  keyPattern: z.string(),
  ttlSeconds: z.int().nullable(),
  priority: z.int(),
  protected: z.boolean(),
  retention: z.enum(['cache', 'persistent']).optional(),
});

/** Job params: the request plus the namespace policies as they were when the job was created. */
export const analysisParamsSchema = analysisRequestSchema.extend({ namespaces: z.array(namespaceSchema) });
export type AnalysisParams = z.infer<typeof analysisParamsSchema>;
