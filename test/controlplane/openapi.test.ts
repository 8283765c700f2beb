import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventTypes } from '../../shared/platform/events/catalogue';
import { describeApi } from '../../shared/app/openapi/buildOpenApiDocument';
import type { ApiEndpoint } from '../../shared/app/openapi/ApiEndpoint';
import { named } from '../../shared/platform/http/RouteDoc';
import { apiEndpoints } from '../../tools/api/apiEndpoints';
import { apiFiles } from '../../tools/openapi';

const root = join(__dirname, '..', '..');
const committed = () => JSON.parse(readFileSync(join(root, 'infra', 'openapi.json'), 'utf8')) as Record<string, unknown>;

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.0 document', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(committed() as Parameters<typeof validator.validate>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.0');
  });

  it('describes every HTTP function: each has a route table or a page entry with a doc per registered method', async () => {
    const { endpoints, undescribed } = await apiEndpoints();
    expect(undescribed).toEqual([]);
    expect(endpoints.map((e) => e.route)).toEqual(expect.arrayContaining(['health', 'clusters', 'clusters/{id}', 'openapi.json']));
    expect(describeApi(endpoints).problems).toEqual([]);
  });

  it('matches the committed infra/openapi.json that API Management imports and /api/openapi.json serves (run `npm run openapi`)', async () => {
    expect(readFileSync(join(root, 'infra', 'openapi.json'), 'utf8')).toBe((await apiFiles()).openApiJson);
  });

  it("docs/api.md's route table is the generated one (run `npm run openapi`)", async () => {
    expect(readFileSync(join(root, 'docs', 'api.md'), 'utf8')).toBe((await apiFiles()).apiMarkdown);
  });
});

describe('describeApi (the generator refuses an incomplete description)', () => {
  const ok = { operationId: 'getThing', summary: 'a thing', responses: { '200': { description: 'the thing', body: named('Thing', z.object({ a: z.string() })) } } };
  const endpoint = (over: Partial<ApiEndpoint>): ApiEndpoint => ({ functionName: 'thing', route: 'things/{id}', methods: ['GET'], authLevel: 'function', routes: { GET: { role: 'reader', doc: ok } }, ...over });

  it('describes a complete endpoint with $ref bodies and the shared conventions', () => {
    const { document, problems } = describeApi([endpoint({})]);
    expect(problems).toEqual([]);
    const get = (document['paths'] as Record<string, Record<string, Record<string, unknown>>>)['/things/{id}']?.['get'];
    expect(get?.['responses']).toMatchObject({ '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } }, '401': {}, '403': {}, '500': {} });
    expect(get?.['description']).toBe('Role: reader or higher.');
  });

  it('names a registered method without a doc, a doc for an unregistered method, a duplicate operationId, an unknown path parameter and two shapes under one name', () => {
    const { problems } = describeApi([
      endpoint({ methods: ['GET', 'PUT'], routes: { GET: { role: 'reader', doc: ok }, DELETE: { role: 'admin', doc: { ...ok, operationId: 'deleteThing' } } } }),
      endpoint({ functionName: 'other', route: 'others/{other}', routes: { GET: { role: 'reader', doc: { ...ok, responses: { '200': { description: 'x', body: named('Thing', z.object({ b: z.int() })) } } } } } }),
    ]);
    expect(problems).toEqual([
      "GET /others/{other}: path parameter 'other' has no description (add it to the route's doc.params)",
      "HTTP function 'thing': DELETE /things/{id} is described but not registered (methods: GET, PUT)",
      "HTTP function 'thing': operationId 'getThing' is also used by GET /others/{other}",
      "HTTP function 'thing': PUT /things/{id} is registered but has no route declaration with a doc",
      "component 'Thing' has two different schemas (GET /others/{other} and GET /things/{id})",
    ]);
  });

  it('reports an HTTP function whose handler is neither a route table nor a described page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcm-functions-'));
    writeFileSync(join(dir, 'ping.ts'), "app.http('ping', { route: 'ping', methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ status: 200 }) });\n");
    const { endpoints, undescribed } = await apiEndpoints(dir);
    expect(endpoints).toEqual([]);
    expect(undescribed).toEqual([{ functionName: 'ping', file: 'ping.ts', reason: 'its handler is not lazyApiHandler(<route table>) and shared/app/openapi/pageRouteDocs.ts has no entry for it' }]);
  });
});

describe('event catalogue documentation', () => {
  it('docs/events.md documents every event type', () => {
    const doc = readFileSync(join(root, 'docs', 'events.md'), 'utf8');
    for (const type of eventTypes) expect(doc, type).toContain(`\`${type}\``);
  });
});
