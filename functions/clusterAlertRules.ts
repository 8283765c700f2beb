import { app } from '@azure/functions';
import { lazyApiHandler } from '../shared/platform/http/lazyApiHandler';

/** GET/PUT /api/clusters/{id}/alert-rules: default alert rules with the cluster's overrides (audited, If-Match). */
app.http('clusterAlertRules', {
  route: 'clusters/{id}/alert-rules',
  methods: ['GET', 'PUT'],
  authLevel: 'function',
  handler: lazyApiHandler(async () => (await import('../shared/monitoring/alerts/alertRoutes.js')).alertRuleRoutes),
});
