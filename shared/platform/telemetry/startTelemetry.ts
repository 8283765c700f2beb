import type { MeterProvider } from '@opentelemetry/api';
import type { AppSettings } from '../config/appSettings';
import { telemetryMode, type TelemetryMode } from './telemetryMode';

/** The process's telemetry: its mode, the meter provider the collector's instruments use, and a flush. */
export interface Telemetry {
  mode: TelemetryMode;
  meterProvider: MeterProvider;
  /** Pushes pending spans and metrics out (end of a monitor tick: an instance may be frozen before a periodic export). */
  flush(): Promise<void>;
}

/** `service.name` of every span and metric in `otlp` and `console` modes (Azure Monitor names the role after the app). */
export const serviceName = 'redis-cluster-manager';

/**
 * Starts the OpenTelemetry SDK for `mode`, registering the global tracer provider, context manager and W3C
 * propagator (every mode but `off`). The SDKs load here, on demand, never at import: cold start stays small.
 * - `azure-monitor`: the distro (`@azure/monitor-opentelemetry`) with the connection string, authenticated with the
 *   managed identity when `AZURE_CLIENT_ID` is set (Entra, as infra/ deploys it), else by the connection string alone.
 *   Redis client instrumentation stays off: the collector's own commands are not worth a span each. Every trace is
 *   kept (see below).
 * - `otlp`: OTLP/HTTP exporters for traces and metrics, configured by the standard `OTEL_EXPORTER_OTLP_*` variables.
 * - `console`: spans and metrics printed to stdout (local debugging).
 * - `off`: nothing registered; spans are no-ops and the collector's instruments read into nothing.
 */
export async function startTelemetry(settings: AppSettings): Promise<Telemetry> {
  const mode = telemetryMode(settings);
  const api = await import('@opentelemetry/api');
  if (mode === 'off') return { mode, meterProvider: api.metrics.getMeterProvider(), flush: async () => undefined };
  if (mode === 'azure-monitor') {
    const [{ useAzureMonitor }, { azureCredential }] = await Promise.all([import('@azure/monitor-opentelemetry'), import('../config/azureCredential.js')]);
    useAzureMonitor({
      azureMonitorExporterOptions: {
        connectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING,
        ...(settings.AZURE_CLIENT_ID ? { credential: azureCredential(settings.AZURE_CLIENT_ID) } : {}),
      },
      instrumentationOptions: { redis: { enabled: false }, redis4: { enabled: false } },
      enableLiveMetrics: false,
      // Every trace (the distro's default keeps 5 per second): this app's volume is low (admin calls, timer ticks,
      // job chunks) and a job's chunks must not be sampled apart. Ingestion sampling on the resource still applies.
      samplingRatio: 1,
      tracesPerSecond: 0,
    });
    const tracer = api.trace.getTracerProvider() as { forceFlush?: () => Promise<void> };
    const meter = api.metrics.getMeterProvider() as MeterProvider & { forceFlush?: () => Promise<void> };
    return { mode, meterProvider: meter, flush: async () => void (await Promise.all([tracer.forceFlush?.(), meter.forceFlush?.()])) };
  }
  const [{ NodeTracerProvider }, traceBase, metricsSdk, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/resources'),
  ]);
  const resource = resourceFromAttributes({ 'service.name': serviceName });
  let spanProcessor;
  let metricExporter;
  if (mode === 'otlp') {
    const [{ OTLPTraceExporter }, { OTLPMetricExporter }] = await Promise.all([import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/exporter-metrics-otlp-http')]);
    spanProcessor = new traceBase.BatchSpanProcessor(new OTLPTraceExporter());
    metricExporter = new OTLPMetricExporter();
  } else {
    spanProcessor = new traceBase.SimpleSpanProcessor(new traceBase.ConsoleSpanExporter());
    metricExporter = new metricsSdk.ConsoleMetricExporter();
  }
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  tracerProvider.register();
  const meterProvider = new metricsSdk.MeterProvider({
    resource,
    readers: [new metricsSdk.PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })],
  });
  api.metrics.setGlobalMeterProvider(meterProvider);
  return { mode, meterProvider, flush: async () => void (await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()])) };
}
