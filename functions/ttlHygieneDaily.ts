import { app, type InvocationContext, type Timer } from '@azure/functions';

/** Daily 03:00 UTC: a TTL hygiene job for every namespace whose policy has a TTL (idempotent per day). */
export async function ttlHygieneDaily(_timer: Timer, context: InvocationContext): Promise<void> {
  const [{ jobRuntime }, { scheduleTtlHygiene }] = await Promise.all([import('../shared/platform/jobs/jobRuntime.js'), import('../shared/admin/ttlHygiene/scheduleTtlHygiene.js')]);
  const result = await scheduleTtlHygiene(await jobRuntime());
  context.log(`ttl hygiene: created ${result.created.length}, existing ${result.existing.length}, skipped ${result.skipped.map((s) => `${s.clusterId}/${s.namespace} (${s.reason})`).join(', ') || 'none'}`);
}

app.timer('ttlHygieneDaily', { schedule: '0 0 3 * * *', handler: ttlHygieneDaily });
