import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET / PUT / DELETE /api/clusters/{id}/namespaces/{ns}: one namespace policy. */
app.http('namespace', {
  route: 'clusters/{id}/namespaces/{ns}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/namespaces/namespaceRoutes.js')).namespaceRoutes),
});
