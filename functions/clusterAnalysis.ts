import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** POST /api/clusters/{id}/analysis: 202 + job (memory/keys/TTL/access by namespace, sampled or exact, with a recommendation). */
app.http('clusterAnalysis', {
  route: 'clusters/{id}/analysis',
  methods: ['POST'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/eviction/analysis/analysisRoutes.js')).analysisRoutes),
});
