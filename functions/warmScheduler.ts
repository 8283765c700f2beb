import { app, type InvocationContext, type Timer } from '@azure/functions';

/** Every minute: start the warm plans whose schedule fires in this minute (one job per plan and minute). */
export async function warmScheduler(_timer: Timer, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const [{ jobRuntime }, { runScheduledWarms }] = await Promise.all([import('../shared/platform/jobs/jobRuntime.js'), import('../shared/warming/warmTriggers.js')]);
  await runScheduledWarms(await jobRuntime(), new Date(), context);
}

app.timer('warmScheduler', { schedule: '0 * * * * *', handler: warmScheduler });
