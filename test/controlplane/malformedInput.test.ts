import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../shared/admin/clusters/clusterRoutes';
import type { RouteTable } from '../../shared/platform/http/apiHandler';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { namespaceRoutes } from '../../shared/admin/namespaces/namespaceRoutes';
import { callRoutes, sampleCluster, samplePolicy, testControlPlane } from './api';
import { tableRows } from './fixtures';

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
const id = fc.oneof(
  { arbitrary: fc.constant('fuzz-base'), weight: 8 },
  fc.constantFrom('fuzz-base', '../etc/passwd', '..', '%2e%2e%2f', 'a/b', 'a\\b', 'ÄÖÜ', '\u0000', 'a'.repeat(64), ' x', 'CON', 'e\u0301', '𝔘nicode', 'A', '-lead', '', 'fuzz-base\n'),
  fc.string({ unit: 'binary', maxLength: 70 }),
);
/** Valid specs with one field replaced by anything: wrong types, missing, nested junk. */
const mutated = (valid: Record<string, unknown>) =>
  fc.record({ field: fc.constantFrom(...Object.keys(valid), '__proto__', 'constructor', 'extra'), value: fc.oneof(fc.anything(), fc.constant(undefined)) }).map(({ field, value }) => {
    const copy: Record<string, unknown> = { ...valid };
    if (value === undefined) delete copy[field];
    else Object.defineProperty(copy, field, { value, enumerable: true, configurable: true, writable: true });
    return JSON.stringify(copy);
  });
const body = fc.oneof(
  fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  printable,
  mutated(sampleCluster),
  mutated(samplePolicy),
  fc.constantFrom('', '{', '{"mode":', 'null', '[]', '"str"', '1e999', '{"a":1,"a":2}', '[' .repeat(5000), '\uFEFF{}', 'x'.repeat(100_000), JSON.stringify({ ...sampleCluster, displayName: '\u202E\uD800' })),
);
const request = fc.record({
  target: fc.constantFrom('cluster', 'namespace'),
  method: fc.constantFrom('PUT', 'PUT', 'PUT', 'DELETE', 'GET'),
  id,
  ns: id,
  body,
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/merge-patch+json', 'multipart/form-data', ''),
  ifMatch: fc.option(printable, { nil: undefined }),
});

let cp: ControlPlane;
beforeAll(async () => {
  cp = await testControlPlane();
  await callRoutes(cp, clusterRoutes, { method: 'PUT', path: '/clusters/fuzz-base', params: { id: 'fuzz-base' }, body: sampleCluster });
  await callRoutes(cp, namespaceRoutes, { method: 'PUT', path: '/clusters/fuzz-base/namespaces/fuzz-base', params: { id: 'fuzz-base', ns: 'fuzz-base' }, body: samplePolicy });
});

describe('admin API under malformed input', () => {
  it('never answers 5xx and never changes the store for a rejected request', async () => {
    let baseline = await tableRows(cp.store.table);
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const routes: RouteTable = r.target === 'cluster' ? clusterRoutes : namespaceRoutes;
        const params: Record<string, string> = r.target === 'cluster' ? { id: r.id } : { id: r.id, ns: r.ns };
        const path = `/clusters/${encodeURIComponent(r.id)}${r.target === 'namespace' ? `/namespaces/${encodeURIComponent(r.ns)}` : ''}`;
        const headers: Record<string, string> = r.ifMatch === undefined ? {} : { 'if-match': r.ifMatch.trim() };
        if (r.method === 'PUT') headers['content-type'] = r.contentType;
        const result = await callRoutes(cp, routes, { method: r.method, path, params, headers, ...(r.method === 'PUT' ? { body: r.body } : {}) });
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        expect(result.status, `${r.method} ${path} → ${JSON.stringify(result.json)}`).toBeLessThan(500);
        if (result.status >= 400) {
          expect(result.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(typeof result.json.code).toBe('string');
          codes.add(result.json.code as string);
          expect(await tableRows(cp.store.table)).toEqual(baseline);
        } else {
          baseline = await tableRows(cp.store.table);
        }
      }),
      { numRuns: 300 },
    );
    // The generator really exercised the rejections (not just 404s).
    expect(statuses.get(400) ?? 0).toBeGreaterThan(50);
    for (const code of ['invalid_params', 'invalid_json', 'validation_failed', 'unsupported_media_type']) expect(codes).toContain(code);
  }, 120_000);
});
