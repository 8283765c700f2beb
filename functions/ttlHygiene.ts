import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/namespaces/{ns}/ttl-hygiene: 202 + job setting the namespace TTL on keys without one. */
app.http('ttlHygiene', {
  route: 'clusters/{id}/namespaces/{ns}/ttl-hygiene',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/admin/ttlHygiene/ttlHygieneRoutes.js')).ttlHygieneRoutes),
});
