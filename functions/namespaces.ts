import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET /api/clusters/{id}/namespaces: every namespace policy of a cluster. */
app.http('namespaces', {
  route: 'clusters/{id}/namespaces',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/namespaces/namespaceRoutes.js')).namespaceListRoutes),
});
