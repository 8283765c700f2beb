import type { ControlPlane } from '../platform/controlPlane';
import type { JobKind, JobKindLoader } from '../platform/jobs/JobKind';
import { jobRuntime, type JobRuntime } from '../platform/jobs/jobRuntime';

/**
 * Every job kind by name, each loaded on first use (cold start stays small). A new kind adds one line here and
 * implements `JobKind` in its own area; the platform's job engine only sees them through `JobKindLoader`.
 */
const loaders: Record<string, () => Promise<JobKind>> = {
  invalidate: async () => (await import('../admin/invalidation/invalidateJob.js')).invalidateJob,
  'ttl-hygiene': async () => (await import('../admin/ttlHygiene/ttlHygieneJob.js')).ttlHygieneJob,
  analysis: async () => (await import('../eviction/analysis/analysisJob.js')).analysisJob,
  warm: async () => (await import('../warming/warmJob.js')).warmJob,
  'stream-action': async () => (await import('../admin/messaging/streamActionJob.js')).streamActionJob,
  slots: async () => (await import('../admin/slots/slotJob.js')).slotJob,
  hotkeys: async () => (await import('../monitoring/hotkeys/hotkeysJob.js')).hotkeysJob,
  nodes: async () => (await import('../admin/slots/nodeJob.js')).nodeJob,
};

/** The kind, or undefined for a name this release does not know. */
export const loadJobKind: JobKindLoader = async (name) => {
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  return load ? await load() : undefined;
};

/** What the job workers (runner, sweeper) need: the platform's job runtime plus every kind of this release. */
export type JobWorkerRuntime = JobRuntime & { kinds: JobKindLoader };

/** The process-wide job runtime with this release's kinds. */
export async function jobWorkerRuntime(cp?: ControlPlane): Promise<JobWorkerRuntime> {
  return { ...(await jobRuntime(cp)), kinds: loadJobKind };
}
