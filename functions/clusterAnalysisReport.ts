import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/http/lazyApiHandler';

/** GET /api/clusters/{id}/analysis/{jobId}: the full report of a finished analysis job. */
app.http('clusterAnalysisReport', {
  route: 'clusters/{id}/analysis/{jobId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/analysis/analysisRoutes.js')).analysisReportRoutes),
});
