import { InvalidSettingsError } from '../config/InvalidSettingsError';

/** Where the app's traces and metrics go (`TELEMETRY_MODE`). */
export const telemetryModes = ['azure-monitor', 'otlp', 'console', 'off'] as const;
export type TelemetryMode = (typeof telemetryModes)[number];

/**
 * The mode in force: `TELEMETRY_MODE` when set, else `azure-monitor` when an Application Insights connection string
 * is set (what a deployment from infra/ has), else `off`. `azure-monitor` without a connection string is refused:
 * the exporter would have nowhere to send.
 */
export function telemetryMode(settings: { TELEMETRY_MODE?: TelemetryMode | undefined; APPLICATIONINSIGHTS_CONNECTION_STRING?: string | undefined }): TelemetryMode {
  const mode = settings.TELEMETRY_MODE ?? (settings.APPLICATIONINSIGHTS_CONNECTION_STRING ? 'azure-monitor' : 'off');
  if (mode === 'azure-monitor' && !settings.APPLICATIONINSIGHTS_CONNECTION_STRING) {
    throw new InvalidSettingsError(["setting 'TELEMETRY_MODE' is 'azure-monitor' but 'APPLICATIONINSIGHTS_CONNECTION_STRING' is not set"]);
  }
  return mode;
}
