import { lazy } from '../lazy';
import type { RouteTable } from './apiHandler';

/**
 * `apiHandler(routes)` with the routes and the whole HTTP toolkit loaded on the first request (see `lazy`).
 * Function files pass `async () => (await import('../shared/<area>/<routes>.js')).<routeTable>`.
 */
export function lazyApiHandler(loadRoutes: () => Promise<RouteTable>) {
  return lazy(async () => {
    const [{ apiHandler }, routes] = await Promise.all([import('./apiHandler.js'), loadRoutes()]);
    return apiHandler(routes);
  });
}
