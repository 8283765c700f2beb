import { loadSettings } from '../config/loadSettings';
import { startTelemetry, type Telemetry } from './startTelemetry';
import { telemetryMode } from './telemetryMode';

let started: Promise<Telemetry> | undefined;

/**
 * The one telemetry start of this process (the app's hooks call it at app start and before every invocation; the
 * collector asks it for its meter provider). A bad setting throws, as every setting does; an SDK that fails to
 * start is logged once and the process runs untraced rather than failing its invocations.
 */
export function processTelemetry(): Promise<Telemetry> {
  started ??= (async () => {
    const settings = loadSettings();
    const mode = telemetryMode(settings);
    try {
      return await startTelemetry(settings);
    } catch (error) {
      console.error(`[telemetry] ${mode} mode did not start, running without telemetry: ${error instanceof Error ? error.message : String(error)}`);
      const { metrics } = await import('@opentelemetry/api');
      return { mode: 'off' as const, meterProvider: metrics.getMeterProvider(), flush: async () => undefined };
    }
  })().catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}
