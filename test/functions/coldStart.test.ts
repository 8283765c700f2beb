import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Loads the compiled app (dist/, built by `npm test`) in a fresh process, as the benchmark does.
const root = join(__dirname, '..', '..');

describe('cold start', () => {
  it('registers every function without loading the heavy packages (they load on first call)', () => {
    const out = execFileSync(process.execPath, [join(root, 'dist/bench/scenarios/coldStartChild.js'), 'app', '--modules'], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop() as string) as { functions: number; packages: string[] };
    // Files that register a function (functions/appTelemetry.ts registers hooks only).
    const functionFiles = readdirSync(join(root, 'functions')).filter((f) => f.endsWith('.ts') && /\bapp\.(http|timer|eventGrid)\(/.test(readFileSync(join(root, 'functions', f), 'utf8')));
    expect(functionFiles.length).toBeGreaterThan(40);
    expect(result.functions).toBeGreaterThanOrEqual(functionFiles.length);
    const heavy = ['@opentelemetry/api', '@opentelemetry/sdk-trace-node', '@azure/monitor-opentelemetry', 'ioredis', 'zod', '@azure/data-tables', '@azure/storage-blob', '@azure/eventgrid', '@azure/identity', '@azure/core-rest-pipeline'];
    expect(result.packages.filter((p) => heavy.includes(p)), 'function files must import their handlers lazily (docs/architecture.md)').toEqual([]);
  });
});
