import { app } from '@azure/functions';

/**
 * Not a function: the app's telemetry hooks, registered once per process with the functions. Telemetry starts at app
 * start without holding it up (the SDKs load in the background, never at import), and every invocation (HTTP, timer,
 * Event Grid) runs inside its span (shared/app/telemetry, docs/monitoring.md Traces).
 */
const hook = () => import('../shared/app/telemetry/traceFunctionInvocation.js');

app.hook.appStart(() => {
  void import('../shared/platform/telemetry/processTelemetry.js')
    .then(({ processTelemetry }) => processTelemetry())
    .catch((error: unknown) => console.error(`[telemetry] not started: ${error instanceof Error ? error.message : String(error)}`));
});

app.hook.preInvocation(async (context) => {
  const { traceFunctionInvocation } = await hook();
  await traceFunctionInvocation(context);
});
