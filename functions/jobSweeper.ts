import { app, type InvocationContext, type Timer } from '@azure/functions';

/** Every minute: resume jobs whose lease expired (crashed or timed-out chunk, lost continuation event); purge old finished jobs. */
export async function jobSweeper(_timer: Timer, context: InvocationContext): Promise<void> {
  const [{ jobWorkerRuntime }, { sweepJobs }] = await Promise.all([import('../shared/app/jobKinds.js'), import('../shared/platform/jobs/sweepJobs.js')]);
  const rt = await jobWorkerRuntime();
  const result = await sweepJobs({ ...rt, log: (m) => context.log(m) });
  if (result.resumed.length > 0) context.log(`job sweep: ${result.active} active, resumed ${result.resumed.map((r) => `${r.jobId}=${r.result.outcome}`).join(', ')}`);
  // Timer triggers are singletons (the host's lease), so one instance purges; bounded per tick, a backlog drains.
  const retentionMs = rt.settings.retentionMs ?? 30 * 86_400_000;
  const purged = await rt.store.purgeFinished(Date.now() - retentionMs);
  if (purged > 0) context.log(`job sweep: purged ${purged} job(s) finished more than ${retentionMs / 86_400_000} days ago`);
}

app.timer('jobSweeper', { schedule: '0 */1 * * * *', handler: jobSweeper });
