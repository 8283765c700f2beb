import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/namespaces: every namespace policy of a cluster. */
app.http('namespaces', {
  route: 'clusters/{id}/namespaces',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/namespaces/namespaceRoutes.js')).namespaceListRoutes),
});
