import { z } from 'zod';
import { jsonResponse } from './ApiRequest';
import type { RouteTable } from './apiHandler';
import { named } from './RouteDoc';
import { hasRole, principalSchema, roles, roleSchema } from '../auth/Principal';

const meSchema = z.object({ principal: principalSchema, roles: z.array(roleSchema).describe('every role the caller holds (a role includes the weaker ones)') });

/**
 * `GET /api/me` (reader): who the caller is, as the API resolved the credential (API key name or Entra identity
 * forwarded by API Management) and its role, plus the roles it holds. The console asks once after sign-in to
 * disable what the role may not do; the API still checks every call. Never echoes the credential.
 */
export const meRoutes: RouteTable = {
  GET: {
    role: 'reader',
    doc: {
      operationId: 'getMe',
      summary: "The caller's principal (API key name or Entra identity) and role, as the API resolved the credential",
      responses: { '200': { description: 'the caller', body: named('Me', meSchema) } },
    },
    async handle({ principal }) {
      return jsonResponse(200, { principal: { id: principal.id, kind: principal.kind, role: principal.role }, roles: roles.filter((r) => hasRole(principal.role, r)) });
    },
  },
};
