/**
 * One process's telemetry start in the mode of TELEMETRY_MODE (argv: nothing), then one span and one metric, flushed.
 * Run by telemetryModes.test.ts, each mode in its own process (the SDK registers process-wide globals).
 */
import { trace } from '@opentelemetry/api';
import { loadSettings } from '../../shared/platform/config/loadSettings';
import { startTelemetry } from '../../shared/platform/telemetry/startTelemetry';

async function main(): Promise<void> {
  const telemetry = await startTelemetry(loadSettings());
  trace.getTracer('mode-test').startActiveSpan('mode-test-span', (span) => {
    span.setAttribute('rcm.test', 'yes');
    span.end();
  });
  telemetry.meterProvider.getMeter('mode-test').createCounter('mode_test_counter').add(3);
  await telemetry.flush();
  console.log(`MODE ${telemetry.mode}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
