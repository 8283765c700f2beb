import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventTypes } from '../../shared/platform/events/catalogue';
import { buildOpenApiDocument } from '../../shared/app/openapi/buildOpenApiDocument';
import { openApiJson } from '../../tools/openapi';

const root = join(__dirname, '..', '..');

/** `app.http(...)` registrations of functions/*.ts: route and methods, read from the source. */
function httpRegistrations(): { file: string; route: string; methods: string[] }[] {
  const dir = join(root, 'functions');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((file) => {
      const source = readFileSync(join(dir, file), 'utf8');
      if (!source.includes('app.http(')) return [];
      const route = /route:\s*'([^']+)'/.exec(source)?.[1];
      const methods = /methods:\s*\[([^\]]+)\]/.exec(source)?.[1]?.match(/'([A-Z]+)'/g)?.map((m) => m.replace(/'/g, '')) ?? [];
      if (!route) throw new Error(`functions/${file}: no route found`);
      return [{ file, route, methods }];
    });
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(buildOpenApiDocument() as Parameters<typeof validator.validate>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every HTTP function with each of its methods', () => {
    const paths = buildOpenApiDocument()['paths'] as Record<string, Record<string, unknown>>;
    const registrations = httpRegistrations();
    expect(registrations.map((r) => r.route)).toEqual(expect.arrayContaining(['health', 'clusters', 'clusters/{id}', 'openapi.json']));
    for (const { file, route, methods } of registrations) {
      const path = paths[`/${route}`];
      expect(path, `functions/${file} route /${route} missing from the OpenAPI document`).toBeDefined();
      for (const method of methods) expect(path?.[method.toLowerCase()], `${method} /${route}`).toBeDefined();
    }
  });

  it('matches the committed infra/openapi.json that API Management imports (run `npx tsx tools/openapi.ts`)', () => {
    expect(readFileSync(join(root, 'infra', 'openapi.json'), 'utf8')).toBe(openApiJson());
  });
});

describe('event catalogue documentation', () => {
  it('docs/events.md documents every event type', () => {
    const doc = readFileSync(join(root, 'docs', 'events.md'), 'utf8');
    for (const type of eventTypes) expect(doc, type).toContain(`\`${type}\``);
  });
});
