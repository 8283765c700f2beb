import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/health: `redis-cli --cluster check` parity plus replicas, failures, memory, persistence. */
app.http('clusterHealth', {
  route: 'clusters/{id}/health',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/health/healthRoutes.js')).healthRoutes),
});
