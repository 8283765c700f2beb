import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeApi } from '../shared/app/openapi/buildOpenApiDocument';
import { apiEndpoints } from './api/apiEndpoints';
import { routesMarkdown, withRoutes } from './api/routesMarkdown';

/** The generated files: `infra/openapi.json` and the route table in `docs/api.md`. */
export interface ApiFiles {
  openApiJson: string;
  apiMarkdown: string;
}

/**
 * `infra/openapi.json`: the document API Management imports and `/api/openapi.json` serves, built from the HTTP
 * functions as registered and the `doc` of each route. Run after changing a route or schema (`npm run openapi`);
 * a test fails while the committed file differs. Throws, naming each gap, when the description is incomplete.
 */
export async function apiFiles(root = resolve(__dirname, '..')): Promise<ApiFiles> {
  const { endpoints, undescribed } = await apiEndpoints(resolve(root, 'functions'));
  const { document, problems } = describeApi(endpoints);
  const all = [...undescribed.map((u) => `functions/${u.file} ('${u.functionName}'): ${u.reason}`), ...problems];
  if (all.length > 0) throw new Error(`the API description is incomplete:\n${all.join('\n')}`);
  return {
    openApiJson: `${JSON.stringify(document, null, 2)}\n`,
    apiMarkdown: withRoutes(readFileSync(resolve(root, 'docs', 'api.md'), 'utf8'), routesMarkdown(endpoints)),
  };
}

if (require.main === module) {
  const root = resolve(__dirname, '..');
  apiFiles(root).then(
    (files) => {
      writeFileSync(resolve(root, 'infra', 'openapi.json'), files.openApiJson);
      writeFileSync(resolve(root, 'docs', 'api.md'), files.apiMarkdown);
      console.log('wrote infra/openapi.json and the route table of docs/api.md');
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
