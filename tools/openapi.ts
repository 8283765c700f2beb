import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from '../shared/app/openapi/buildOpenApiDocument';

/**
 * Writes `infra/openapi.json`, which API Management imports. Run after changing a route or schema
 * (`npx tsx tools/openapi.ts`); a test fails while the committed file differs from the generated one.
 */
export function openApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (require.main === module) {
  const target = resolve(__dirname, '..', process.argv[2] ?? 'infra/openapi.json');
  writeFileSync(target, openApiJson());
  console.log(`wrote ${target}`);
}
