import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/warm: 202 + a warm job running the namespace's warm plan. */
app.http('warmCluster', {
  route: 'clusters/{id}/warm',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/warming/warmRoutes.js')).warmRoutes),
});
