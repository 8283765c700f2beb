import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET / PUT / DELETE /api/clusters/{id}/namespaces/{ns}: one namespace policy. */
app.http('namespace', {
  route: 'clusters/{id}/namespaces/{ns}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/namespaces/namespaceRoutes.js')).namespaceRoutes),
});
