import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';

/** Event Grid, Azure Cache system topic (`Microsoft.Cache.PatchingCompleted` / `ScalingCompleted`): warm the cache's plans. */
export async function warmOnAzureMaintenance(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const [{ jobRuntime }, { warmAfterAzureMaintenance }] = await Promise.all([import('../shared/platform/jobs/jobRuntime.js'), import('../shared/warming/warmTriggers.js')]);
  await warmAfterAzureMaintenance(await jobRuntime(), event, context);
}

app.eventGrid('warmOnAzureMaintenance', { handler: warmOnAzureMaintenance });
