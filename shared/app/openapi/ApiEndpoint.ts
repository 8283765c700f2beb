import type { DocumentedRoutes, HttpMethod } from '../../platform/http/RouteDoc';

/**
 * One HTTP function as the API document sees it: how it is registered in `functions/` (route, methods, auth level)
 * and the description its route table (or page module) declares.
 */
export interface ApiEndpoint {
  /** The function's name (`app.http('<name>', ...)`). */
  functionName: string;
  /** The route as registered, without the host's `api/` prefix (e.g. `clusters/{id}`). */
  route: string;
  methods: readonly HttpMethod[];
  /** `anonymous` needs no key; the others need a function (or host) key. */
  authLevel: 'anonymous' | 'function' | 'admin';
  routes: DocumentedRoutes;
}
