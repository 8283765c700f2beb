import { z } from 'zod';
import { resourceIdSchema } from '../../platform/registry/resourceId';
import { jsonResponse } from '../../platform/http/ApiRequest';
import type { RouteTable } from '../../platform/http/apiHandler';
import { conditionalHeaders } from '../../platform/http/conditionalHeaders';
import { parseInput } from '../../platform/http/parseInput';
import { readJsonBody } from '../../platform/http/readJsonBody';
import { resourceResponse } from '../../platform/http/resourceResponse';
import { monitoring, type Monitoring } from '../collection/openMonitoring';
import { validationError } from '../../platform/store/DomainError';
import { alertRuleOverridesSchema } from './alertRules';

const params = z.object({ id: resourceIdSchema });

/** `GET /api/clusters/{id}/alerts` (reader): firing incidents first, then pending breaches waiting for their duration. */
export function alertRoutesFor(open: () => Promise<Monitoring>): RouteTable {
  return {
    GET: {
      role: 'reader',
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
      async handle({ req, cp }) {
        const { id } = parseInput(params, req.params, 'params');
        await cp.clusters.get(id);
        return resourceResponse(req, 200, await (await open()).alerts.rules.get(id));
      },
    },
    PUT: {
      role: 'operator',
      async handle({ req, body, cp, change }) {
        const { id } = parseInput(params, req.params, 'params');
        const ifMatch = ifMatchVersion(conditionalHeaders(req).ifMatch);
        const { rules } = readJsonBody(req.headers.get('content-type'), body, alertRuleOverridesSchema);
        await cp.clusters.get(id);
        return resourceResponse(req, 200, await (await open()).alerts.rules.put(id, rules, change, ifMatch));
      },
    },
  };
}

export const alertRoutes = alertRoutesFor(monitoring);
export const alertRuleRoutes = alertRuleRoutesFor(monitoring);
