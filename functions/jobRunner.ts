import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';

/**
 * Event Grid (`Job.Queued`, `Job.ChunkCompleted`): runs the job's next bounded chunk. Deduped per event id;
 * a job whose lease someone else holds is left to them.
 */
export async function jobRunner(event: EventGridEvent, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const { runJobEvent } = await import('../shared/app/runJobEvent.js');
  await runJobEvent(event, context);
}

app.eventGrid('jobRunner', { handler: jobRunner });
