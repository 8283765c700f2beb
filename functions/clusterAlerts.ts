import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET /api/clusters/{id}/alerts: firing and pending alerts of a cluster. */
app.http('clusterAlerts', {
  route: 'clusters/{id}/alerts',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/alerts/alertRoutes.js')).alertRoutes),
});
