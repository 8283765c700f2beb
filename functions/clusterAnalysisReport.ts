import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/clusters/{id}/analysis/{jobId}: the full report of a finished analysis job. */
app.http('clusterAnalysisReport', {
  route: 'clusters/{id}/analysis/{jobId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/eviction/analysis/analysisRoutes.js')).analysisReportRoutes),
});
