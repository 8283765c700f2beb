import { z } from 'zod';
import { resourceIdSchema } from '../../platform/registry/resourceId';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { conditionalHeaders } from '../../platform/http/conditionalHeaders';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { rejectSecrets } from '../../platform/registry/findSecrets';
import { resourceResponse } from '../../platform/http/resourceResponse';
import { monitoring, type Monitoring } from '../collection/openMonitoring';
import { validationError } from '../../platform/store/DomainError';
import { alertRuleOverridesSchema } from './alertRules';
import { named, openObject, resourceDoc } from '../../platform/http/RouteDoc';

const params = z.object({ id: resourceIdSchema });
const alertRules = openObject('AlertRules', 'rules (effective), overrides, version and the change history');

/** `GET /api/clusters/{id}/alerts` (reader): firing incidents first, then pending breaches waiting for their duration. */
export function alertRoutesFor(open: () => Promise<Monitoring>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: {
        operationId: 'listClusterAlerts',
        summary: 'Active alerts of a cluster: firing incidents, then pending breaches',
        responses: { '200': { description: 'alerts', body: openObject('ClusterAlerts', 'clusterId, firing and pending counts, alerts (alertId, rule, status, severity, metric, node, value, threshold, since, raisedAt, lastSeen)') }, '404': 'the cluster is not registered' },
      },
      async handle({ req, cp }) {
        const { id } = parseInput(params, req.params, 'params');
        await cp.clusters.get(id);
        const alerts = await (await open()).alerts.active(id);
        return jsonResponse(200, {
          clusterId: id,
          firing: alerts.filter((a) => a.status === 'firing').length,
          pending: alerts.filter((a) => a.status === 'pending').length,
          alerts: alerts.map((a) => ({
            alertId: a.alertId,
            rule: a.rule,
            status: a.status,
            severity: a.severity,
            metric: a.metric,
            node: a.node,
            value: a.value,
            threshold: a.threshold,
            since: new Date(a.since).toISOString(),
            raisedAt: a.raisedAt === null ? null : new Date(a.raisedAt).toISOString(),
            lastSeen: new Date(a.lastSeen).toISOString(),
          })),
        });
      },
    },
  };
}

/** The version an `If-Match` names (`"3"`), or undefined without the header. */
function ifMatchVersion(tags: '*' | readonly string[] | undefined): number | undefined {
  if (tags === undefined || tags === '*') return undefined;
  const version = Number(/^"(\d+)"$/.exec(tags[0] ?? '')?.[1]);
  if (tags.length !== 1 || !Number.isInteger(version)) throw validationError('invalid_header', 'If-Match must be one strong ETag of these rules', [{ field: 'headers.if-match', message: 'one strong entity tag' }]);
  return version;
}

/**
 * `/api/clusters/{id}/alert-rules`: GET (reader) the effective rules, the overrides and their change history;
 * PUT (operator) replaces the overrides (`If-Match` honoured), each change kept with who made it.
 */
export function alertRuleRoutesFor(open: () => Promise<Monitoring>): RouteTable {
  return {
    GET: {
      role: 'reader',
      doc: {
        operationId: 'getAlertRules',
        summary: 'Effective alert rules of a cluster (defaults + overrides) and the change history',
        responses: { '200': resourceDoc(alertRules, 'rules, overrides, version (ETag), history'), '404': 'the cluster is not registered' },
      },
      async handle({ req, cp }) {
        const { id } = parseInput(params, req.params, 'params');
        await cp.clusters.get(id);
        return resourceResponse(req, 200, await (await open()).alerts.rules.get(id));
      },
    },
    PUT: {
      role: 'operator',
      doc: {
        operationId: 'putAlertRules',
        summary: 'Replace the alert-rule overrides of a cluster (If-Match honoured; each change kept with who made it)',
        headers: ['If-Match'],
        body: { schema: named('AlertRuleOverrides', alertRuleOverridesSchema) },
        responses: {
          '200': resourceDoc(alertRules, 'the rules after the change'),
          '404': 'the cluster is not registered',
          '412': 'If-Match failed or a concurrent change; nothing changed',
          '415': 'body is not application/json',
        },
      },
      async handle({ req, body, cp, change }) {
        const { id } = parseInput(params, req.params, 'params');
        const ifMatch = ifMatchVersion(conditionalHeaders(req).ifMatch);
        const { rules } = readJsonBody(req.headers.get('content-type'), body, alertRuleOverridesSchema, rejectSecrets());
        await cp.clusters.get(id);
        return resourceResponse(req, 200, await (await open()).alerts.rules.put(id, rules, change, ifMatch));
      },
    },
  };
}

export const alertRoutes = alertRoutesFor(monitoring);
export const alertRuleRoutes = alertRuleRoutesFor(monitoring);
