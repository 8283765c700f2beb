import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/alerts: firing and pending alerts of a cluster. */
app.http('clusterAlerts', {
  route: 'clusters/{id}/alerts',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/alerts/alertRoutes.js')).alertRoutes),
});
