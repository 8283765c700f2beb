import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';

/** Event Grid (`Keys.Invalidated`): re-warm the namespace when its plan says so; acts only on the recorded copy of the event. */
export async function warmOnInvalidation(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const [{ jobRuntime }, { warmAfterInvalidation }] = await Promise.all([import('../shared/platform/jobs/jobRuntime.js'), import('../shared/warming/warmTriggers.js')]);
  await warmAfterInvalidation(await jobRuntime(), event, context);
}

app.eventGrid('warmOnInvalidation', { handler: warmOnInvalidation });
