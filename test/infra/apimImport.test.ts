import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apimImportProblems } from './apimImportRules';
import { infraDir } from './infraSource';

describe("infra/openapi.json against API Management's import restrictions", () => {
  const document = JSON.parse(readFileSync(join(infraDir, 'openapi.json'), 'utf8')) as Record<string, unknown>;

  it('is 3.0.x (APIM processes 3.0 fully; 3.1 is import-only) and breaks no documented restriction', () => {
    expect(document['openapi']).toMatch(/^3\.0\.[0-3]$/);
    expect(apimImportProblems(document)).toEqual([]);
  });

  it('references a named component for every request and response body', () => {
    const bodies = JSON.stringify(document['paths']).match(/"schema":\{"\$ref":"#\/components\/schemas\/\w+"\}/g) ?? [];
    expect(bodies.length).toBeGreaterThan(60);
  });
});

describe('apimImportProblems (the checker itself)', () => {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  it('passes a minimal importable document', () => {
    expect(apimImportProblems({ openapi: '3.0.3', paths: { '/a/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok', content: { 'application/json': { schema: ref('A') } } } } } } }, components: { schemas: { A: { type: 'object' } } } })).toEqual([]);
  });

  it('names each broken restriction', () => {
    const problems = apimImportProblems({
      openapi: '3.1.0',
      'x-rcm-role': 'admin',
      paths: {
        '/a/{id}': {
          get: {
            parameters: [
              { name: 'ID', in: 'query', required: true, schema: { type: 'string' } },
              { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
              { name: 'other', in: 'path', required: true, schema: { type: 'string' } },
              { name: 'filter', in: 'query', schema: { type: 'object' } },
            ],
            requestBody: { content: { 'application/json': { schema: ref('A') } } },
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' }, examples: {} } } } },
          },
          post: { requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } }, responses: { '204': { description: 'x' } } },
        },
      },
      components: { schemas: { A: { type: 'object', properties: { b: ref('B') } }, B: { type: 'array', items: ref('A') }, C: { $ref: 'other.json#/C' } } },
    });
    expect(problems).toEqual([
      'openapi 3.1.0: 3.1 is import-only in API Management (3.1 constructs are ignored or downgraded); use 3.0.x up to 3.0.3',
      '#/x-rcm-role: custom extension (only x-ms-paths and x-servers are supported; others are dropped)',
      '#/paths/~1a~1{id}/get/responses/200/content/application~1json/examples: "examples" is not supported (use "example")',
      "#/components/schemas/C: $ref 'other.json#/C' points to an external file",
      '#/components/schemas/A: defined recursively (not supported)',
      '#/components/schemas/B: defined recursively (not supported)',
      "GET /a/{id}: path parameter 'other' is not part of the URL template",
      "GET /a/{id}: required path/query parameter names must be unique (case-insensitive): 'id'",
      "GET /a/{id}: parameter 'filter' has an inline non-primitive schema",
      'GET /a/{id}: a request body on GET is discarded on import',
      'GET /a/{id} 200: inline response schema (application/json); reference a components schema',
      "POST /a/{id}: template parameter '{id}' is not defined",
      'POST /a/{id}: multipart/form-data is not supported',
      'POST /a/{id}: inline request schema (multipart/form-data); reference a components schema',
    ]);
  });
});
