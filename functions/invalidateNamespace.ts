import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/namespaces/{ns}/invalidate: 202 + job (SCAN + UNLINK on every master), or a dry-run estimate. */
app.http('invalidateNamespace', {
  route: 'clusters/{id}/namespaces/{ns}/invalidate',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/invalidation/invalidationRoutes.js')).invalidationRoutes),
});
