import { alertRuleOverridesSchema } from '../alerts/alertRules';
import { jsonSchema, type OpenApiHelpers } from '../../platform/http/openApiConventions';
import { metricsQuerySchema } from './metricsRoutes';

/** OpenAPI paths of the monitoring area: metrics, alerts, alert rules, dashboard. */
export function monitoringOpenApiPaths({ op, problem, json, idParam }: OpenApiHelpers): Record<string, Record<string, unknown>> {
  const query = jsonSchema(metricsQuerySchema, 'input') as { properties: Record<string, unknown> };
  const q = (name: string, description: string) => ({ name, in: 'query', required: false, description, schema: query.properties[name] });
  const notRegistered = problem('the cluster is not registered');
  return {
    '/clusters/{id}/metrics': {
      get: op('getClusterMetrics', 'Metric history of a cluster as chart-ready series (per node and metric), plus the latest readings', 'reader', [
        idParam,
        q('from', 'ISO-8601 or ms since epoch; default to minus 1 h'),
        q('to', 'ISO-8601 or ms since epoch; default now'),
        q('node', 'only this node (host:port)'),
        q('metrics', 'comma-separated metric names; default all'),
        q('maxPoints', 'at most this many points per series (bucket averages)'),
      ], { '200': { description: 'series: [{metric, unit, label, node, role, shard, points: [[ms, value|null]]}], latest: {at, readings}', content: json({ type: 'object' }) }, '404': notRegistered }),
    },
    '/clusters/{id}/alerts': {
      get: op('listClusterAlerts', 'Active alerts of a cluster: firing incidents, then pending breaches', 'reader', [idParam], { '200': { description: 'alerts', content: json({ type: 'object' }) }, '404': notRegistered }),
    },
    '/clusters/{id}/alert-rules': {
      get: op('getAlertRules', 'Effective alert rules of a cluster (defaults + overrides) and the change history', 'reader', [idParam], { '200': { description: 'rules, overrides, version (ETag), history', content: json({ type: 'object' }) }, '404': notRegistered }),
      put: {
        ...op('putAlertRules', 'Replace the alert-rule overrides of a cluster (If-Match honoured; each change kept with who made it)', 'operator', [idParam, { name: 'If-Match', in: 'header', required: false, description: 'ETag the change is based on', schema: { type: 'string' } }], {
          '200': { description: 'the rules after the change', content: json({ type: 'object' }) },
          '404': notRegistered,
          '412': problem('If-Match failed or a concurrent change; nothing changed'),
          '415': problem('body is not application/json'),
        }),
        requestBody: { required: true, content: json(jsonSchema(alertRuleOverridesSchema, 'input')) },
      },
    },
    '/dashboard': {
      get: {
        operationId: 'getDashboard',
        summary: 'The monitoring dashboard (HTML); its data calls need a reader API key (#key= or the login form)',
        tags: ['meta'],
        security: [{ functionKey: [] }],
        responses: { '200': { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/dashboard/assets/{name}': {
      get: {
        operationId: 'getDashboardAsset',
        summary: "The dashboard's script and stylesheet",
        tags: ['meta'],
        security: [],
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', enum: ['app.js', 'app.css'] } }],
        responses: { '200': { description: 'the asset' }, '304': { description: 'not modified' }, '404': { description: 'no such asset' } },
      },
    },
  };
}
