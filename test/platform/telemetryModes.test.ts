import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeTs, runCommand } from '../helpers/processes';

// The `otlp` and `console` modes of the one telemetry start, each in a fresh process with the real SDK exporters:
// OTLP/HTTP to a local receiver that records what arrives (a stand-in for a collector), console to stdout.
const child = join(__dirname, 'telemetryModeChild.ts');

describe('telemetry modes', () => {
  it('otlp: spans and metrics are posted to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const received: { path: string; type: string; bytes: number; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        received.push({ path: req.url ?? '', type: String(req.headers['content-type']), bytes: body.length, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const [cmd, args] = nodeTs(child);
      const out = await runCommand(cmd, args, { env: { ...process.env, TELEMETRY_MODE: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, timeoutMs: 60_000 });
      expect(out.stdout, out.stderr).toContain('MODE otlp');
      const traces = received.find((r) => r.path === '/v1/traces');
      expect(traces?.bytes).toBeGreaterThan(0);
      // protobuf or JSON, the span name is in the body as bytes
      expect(traces?.body.includes(Buffer.from('mode-test-span'))).toBe(true);
      expect(received.find((r) => r.path === '/v1/metrics')?.body.includes(Buffer.from('mode_test_counter'))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 90_000);

  it('console: the span is printed to stdout with service.name redis-cluster-manager', async () => {
    const [cmd, args] = nodeTs(child);
    const out = await runCommand(cmd, args, { env: { ...process.env, TELEMETRY_MODE: 'console' }, timeoutMs: 60_000 });
    expect(out.stdout, out.stderr).toContain('MODE console');
    expect(out.stdout).toContain("name: 'mode-test-span'");
    expect(out.stdout).toContain('redis-cluster-manager');
  }, 90_000);

  it('a bad mode fails the start with the setting named', async () => {
    const [cmd, args] = nodeTs(child);
    const out = await runCommand(cmd, args, { env: { ...process.env, TELEMETRY_MODE: 'zipkin' }, timeoutMs: 60_000 });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("setting 'TELEMETRY_MODE'");
  }, 90_000);
});
