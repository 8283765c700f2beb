import { timingSafeEqual } from 'node:crypto';
import { forbidden, unauthorized } from '../store/DomainError';
import { digest, type AuthConfig } from './authConfig';
import { hasRole, roles, type Principal, type Role } from './Principal';
import { verifyLocalEntraToken } from './verifyLocalEntraToken';

/** Headers of the APIM contract (docs/api.md#authentication). */
export const apimHeaders = { secret: 'x-rcm-apim-secret', principal: 'x-rcm-principal', roles: 'x-rcm-roles' } as const;

/**
 * Resolves the caller. An `x-api-key` is checked against every configured key in constant time (no early exit, so
 * timing does not reveal which key nearly matched). Entra identities arrive from API Management, which validated the
 * JWT and forwards `x-rcm-principal` + `x-rcm-roles`; those are trusted only with the matching `x-rcm-apim-secret`.
 * Locally only, with the Entra stand-in configured (`config.localEntra`), a `Authorization: Bearer` token is checked
 * here the way APIM's `validate-jwt` checks Entra's (verifyLocalEntraToken.ts).
 * @throws 401 `missing_credentials` / `invalid_credentials`; 403 when an Entra caller holds no role of this app.
 */
export function authenticate(headers: { get(name: string): string | null }, config: AuthConfig): Principal {
  const apiKey = headers.get('x-api-key');
  if (apiKey !== null) {
    const provided = digest(apiKey);
    let match: Principal | undefined;
    for (const entry of config.apiKeys) {
      if (timingSafeEqual(provided, entry.digest) && !match) match = { id: entry.name, kind: 'api-key', role: entry.role };
    }
    if (!match) throw unauthorized('invalid_credentials', 'the API key is not valid');
    return match;
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  if (bearer !== undefined && config.localEntra) {
    // Local only (authConfig refuses this in Azure): the check APIM's validate-jwt makes, then what APIM forwards.
    const { id, roles: held } = verifyLocalEntraToken(bearer, config.localEntra);
    if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw unauthorized('invalid_credentials', 'the bearer token names no principal');
    const role = highestRole(held);
    if (!role) throw forbidden(`'${id}' holds none of the roles reader, operator, admin`);
    return { id, kind: 'entra', role };
  }
  const apimSecret = headers.get(apimHeaders.secret);
  if (apimSecret !== null) {
    if (!config.apimSecretDigest || !timingSafeEqual(digest(apimSecret), config.apimSecretDigest)) {
      throw unauthorized('invalid_credentials', 'forwarded identity headers are not trusted without the API Management secret');
    }
    const id = headers.get(apimHeaders.principal)?.trim() ?? '';
    if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw unauthorized('invalid_credentials', `'${apimHeaders.principal}' is missing or malformed`);
    const role = highestRole(headers.get(apimHeaders.roles) ?? '');
    if (!role) throw forbidden(`'${id}' holds none of the roles reader, operator, admin`);
    return { id, kind: 'entra', role };
  }
  throw unauthorized('missing_credentials', 'send an API key in x-api-key (or call through API Management with an Entra token)');
}

/** App roles arrive as `admin` or as Entra app-role values like `RedisClusterManager.Admin`. */
function highestRole(header: string): Role | undefined {
  const held = new Set(header.split(/[,\s]+/).map((r) => r.replace(/^RedisClusterManager\./i, '').toLowerCase()));
  return [...roles].reverse().find((role) => held.has(role));
}

/** @throws 403 unless the principal's role grants `required`. */
export function authorize(principal: Principal, required: Role): void {
  if (!hasRole(principal.role, required)) throw forbidden(`'${principal.id}' has role ${principal.role}; this call needs ${required}`);
}
