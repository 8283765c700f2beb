/**
 * Where the console's data calls go, from the page's own path: the API is the page's parent, whatever it is mounted
 * under. On the Function App the page is `/api/dashboard`, so the base is `/api` (calls with the API key); through
 * API Management's console API it is `/console/dashboard`, so `/console` (calls with the Entra token; the gateway
 * maps `/console/...` to the app's `/api/...`). No configuration: a proxy that mounts the app elsewhere works too.
 */
export function apiBase(pathname: string): string {
  return pathname.replace(/\/dashboard\/?$/, '');
}
