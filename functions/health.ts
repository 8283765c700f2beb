import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

/** GET /api/health — the manager's own dependencies; 503 when one is down, so probes and APIM can act on it. */
export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const [{ loadSettings }, { checkHealth }] = await Promise.all([import('../shared/platform/config/loadSettings.js'), import('../shared/platform/health/checkHealth.js')]);
  const report = await checkHealth(loadSettings());
  if (report.status !== 'ok') context.warn('health degraded', JSON.stringify(report.dependencies));
  return {
    status: report.status === 'ok' ? 200 : 503,
    jsonBody: report,
    headers: { 'cache-control': 'no-store' },
  };
}

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: health });
