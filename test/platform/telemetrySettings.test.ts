import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../shared/platform/config/loadSettings';
import { telemetryMode } from '../../shared/platform/telemetry/telemetryMode';
import { formatTraceparent, parseTraceparent } from '../../shared/platform/telemetry/traceparent';

const aiConnection = 'InstrumentationKey=00000000-0000-4000-8000-000000000016;IngestionEndpoint=https://example.invalid/';

describe('TELEMETRY_MODE', () => {
  it('defaults to azure-monitor with a connection string and to off without one', () => {
    expect(telemetryMode(loadSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: aiConnection }))).toBe('azure-monitor');
    expect(telemetryMode(loadSettings({}))).toBe('off');
    expect(telemetryMode(loadSettings({ TELEMETRY_MODE: '' }))).toBe('off');
    expect(telemetryMode(loadSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: aiConnection, TELEMETRY_MODE: 'otlp' }))).toBe('otlp');
    expect(telemetryMode(loadSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: aiConnection, TELEMETRY_MODE: 'off' }))).toBe('off');
  });

  it('refuses an unknown mode, naming the setting and the valid ones', () => {
    expect(() => loadSettings({ TELEMETRY_MODE: 'jaeger' })).toThrow(/setting 'TELEMETRY_MODE'.*azure-monitor.*otlp.*console.*off/);
  });

  it('refuses azure-monitor without a connection string', () => {
    expect(() => telemetryMode(loadSettings({ TELEMETRY_MODE: 'azure-monitor' }))).toThrow(/'TELEMETRY_MODE' is 'azure-monitor' but 'APPLICATIONINSIGHTS_CONNECTION_STRING' is not set/);
  });
});

describe('W3C traceparent', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('parses a valid one and writes it back unchanged', () => {
    const sc = parseTraceparent(valid, 'congo=t61rcWkgMzE');
    expect(sc).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(sc?.traceState?.get('congo')).toBe('t61rcWkgMzE');
    expect(formatTraceparent(sc!)).toBe(valid);
    expect(parseTraceparent(valid.replace(/-01$/, '-00'))?.traceFlags).toBe(0);
  });

  it.each([
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['version 00 with extra fields', `${valid}-extra`],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['not a string', 42],
  ])('ignores %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('accepts a future version with more fields', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('the invocation hook with a bad telemetry setting', () => {
  it('runs the invocation untraced instead of failing it', async () => {
    const { traceFunctionInvocation } = await import('../../shared/app/telemetry/traceFunctionInvocation.js');
    const before = process.env['TELEMETRY_MODE'];
    process.env['TELEMETRY_MODE'] = 'zipkin';
    try {
      const handler = () => 'ran';
      const ctx = { invocationContext: { functionName: 'f', invocationId: 'i', options: { trigger: { type: 'httpTrigger' } } }, inputs: [], functionHandler: handler };
      await expect(traceFunctionInvocation(ctx)).resolves.toBeUndefined();
      expect(ctx.functionHandler).toBe(handler);
    } finally {
      if (before === undefined) delete process.env['TELEMETRY_MODE'];
      else process.env['TELEMETRY_MODE'] = before;
    }
  });
});
