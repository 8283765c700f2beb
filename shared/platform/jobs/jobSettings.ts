import type { AppSettings } from '../config/appSettings';

/** Job machinery tuning with the documented defaults applied (see `shared/platform/config/appSettings.ts`). */
export interface JobSettings {
  /** Wall time one chunk may run. @default 20000 */
  chunkBudgetMs: number;
  /** How long a lease outlives its chunk's budget before another instance may take the job over. @default 10000 */
  leaseGraceMs: number;
  /** Consecutive failed chunks after which the job fails. @default 5 */
  maxFailedChunks: number;
  /** How long finished jobs are kept before the sweeper purges them. @default 30 days */
  retentionMs?: number;
}

export function jobSettings(settings: AppSettings): JobSettings {
  return {
    chunkBudgetMs: settings.JOB_CHUNK_BUDGET_MS ?? 20_000,
    leaseGraceMs: settings.JOB_LEASE_GRACE_MS ?? 10_000,
    maxFailedChunks: 5,
    retentionMs: (settings.JOB_RETENTION_DAYS ?? 30) * 86_400_000,
  };
}
