import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters: every registered cluster. */
app.http('clusters', {
  route: 'clusters',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/clusters/clusterRoutes.js')).clusterListRoutes),
});
