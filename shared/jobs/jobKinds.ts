import type { JobKind } from './JobKind';

/**
 * Every job kind by name, each loaded on first use (cold start stays small). A new kind (e.g. warming) adds one
 * line here and implements `JobKind` in its own area.
 */
const loaders: Record<string, () => Promise<JobKind>> = {
  invalidate: async () => (await import('../invalidation/invalidateJob.js')).invalidateJob,
  'ttl-hygiene': async () => (await import('../ttlHygiene/ttlHygieneJob.js')).ttlHygieneJob,
  analysis: async () => (await import('../analysis/analysisJob.js')).analysisJob,
  warm: async () => (await import('../warming/warmJob.js')).warmJob,
};

export const jobKindNames = Object.keys(loaders);

/** The kind, or undefined for a name this release does not know. */
export async function loadJobKind(name: string): Promise<JobKind | undefined> {
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  return load ? await load() : undefined;
}
