import { app, type InvocationContext, type Timer } from '@azure/functions';

/** Every 10 minutes: delete metric history past its retention (minute rows, hour aggregates), under a lease, bounded per run. */
export async function monitorPurge(_timer: Timer, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const { purgeTick } = await import('../shared/monitoring/collection/purgeTimer.js');
  const result = await purgeTick();
  if (!result.leased) context.log('monitor purge: another instance holds the lease; skipped');
  else if (result.minuteRows + result.hourlyRows > 0) context.log(`monitor purge: ${result.minuteRows} minute row(s), ${result.hourlyRows} hour aggregate(s) deleted${result.stopped ? ' (more left for the next run)' : ''}`);
}

app.timer('monitorPurge', { schedule: '0 */10 * * * *', handler: monitorPurge });
