import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET/PUT /api/clusters/{id}/eviction-policy: the policy per node; apply one (CONFIG SET on every node, or ARM on Azure). */
app.http('evictionPolicy', {
  route: 'clusters/{id}/eviction-policy',
  methods: ['GET', 'PUT'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/eviction/policy/evictionPolicyRoutes.js')).evictionPolicyRoutes),
});
