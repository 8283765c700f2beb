import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiEndpoint } from '../../shared/app/openapi/ApiEndpoint';
import { pageRouteDocs } from '../../shared/app/openapi/pageRouteDocs';
import type { DocumentedRoutes, HttpMethod } from '../../shared/platform/http/RouteDoc';
import { registeredFunctions } from './registeredFunctions';

/** What keeps an HTTP function out of the API description (no route table found and no page entry). */
export interface UndescribedFunction {
  functionName: string;
  file: string;
  reason: string;
}

/**
 * The HTTP functions of `functions/*.ts` with the route table each one's `lazyApiHandler` loads (imported here from
 * the source the registration names) or its entry in `pageRouteDocs`. Paths and methods come from the registrations,
 * descriptions from beside the handlers: nothing is listed twice.
 */
export async function apiEndpoints(functionsDir = resolve(__dirname, '..', '..', 'functions')): Promise<{ endpoints: ApiEndpoint[]; undescribed: UndescribedFunction[] }> {
  const endpoints: ApiEndpoint[] = [];
  const undescribed: UndescribedFunction[] = [];
  for (const fn of registeredFunctions(functionsDir)) {
    if (fn.trigger !== 'http') continue;
    let routes: DocumentedRoutes | undefined = pageRouteDocs[fn.name];
    if (fn.routeTable) {
      const module = (await import(pathToFileURL(sourceOf(join(functionsDir, fn.routeTable.module))).href)) as Record<string, unknown>;
      routes = module[fn.routeTable.exportName] as DocumentedRoutes | undefined;
      if (!routes) undescribed.push({ functionName: fn.name, file: fn.file, reason: `${fn.routeTable.module} has no export '${fn.routeTable.exportName}'` });
    } else if (!routes) {
      undescribed.push({ functionName: fn.name, file: fn.file, reason: 'its handler is not lazyApiHandler(<route table>) and shared/app/openapi/pageRouteDocs.ts has no entry for it' });
    }
    if (routes) endpoints.push({ functionName: fn.name, route: fn.route ?? fn.name, methods: (fn.methods ?? []) as HttpMethod[], authLevel: fn.authLevel ?? 'function', routes });
  }
  return { endpoints, undescribed };
}

/** `../shared/x.js` as written in a function file: the `.ts` source when it exists (tsx, vitest), else the `.js`. */
function sourceOf(path: string): string {
  const ts = path.replace(/\.js$/, '.ts');
  return existsSync(ts) ? ts : path;
}
