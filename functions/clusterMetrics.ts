import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/metrics?from=&to=&node=: chart-ready series from the collector's history, plus the latest readings. */
app.http('clusterMetrics', {
  route: 'clusters/{id}/metrics',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/collection/metricsRoutes.js')).metricsRoutes),
});
