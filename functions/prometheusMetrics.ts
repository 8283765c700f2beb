import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET /api/metrics: Prometheus scrape of the latest stored samples (redis_exporter-compatible names), function key. */
app.http('prometheusMetrics', {
  route: 'metrics',
  methods: ['GET'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/prometheus/prometheusRoutes.js')).prometheusRoutes),
});
