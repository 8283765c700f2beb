import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { unauthorized } from '../store/DomainError';

/** What the local Entra stand-in's tokens are checked against (authConfig.ts builds it from the settings). */
export interface LocalEntraCheck {
  publicKey: KeyObject;
  /** `<CONSOLE_ENTRA_AUTHORITY>/v2.0`, as Entra v2 tokens name their issuer. */
  issuer: string;
  /** `CONSOLE_ENTRA_CLIENT_ID`: the audience of v2 access tokens for the API. */
  audience: string;
}

export function localEntraCheck(pem: string, authority: string, audience: string): LocalEntraCheck {
  return { publicKey: createPublicKey(pem), issuer: `${authority.replace(/\/+$/, '')}/v2.0`, audience };
}

const part = (text: string | undefined): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(Buffer.from(text ?? '', 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * Checks a bearer token as API Management's `validate-jwt` does in Azure (infra/policies/api-policy.xml): RS256
 * signature by the stand-in's key, issuer, audience, `exp` / `nbf` (60 s of clock skew), and returns what APIM would
 * forward: the principal (`preferred_username` when printable ASCII, else `oid`, else `sub`) and the `roles`.
 * Used only with the local stand-in (never in Azure: authConfig refuses the setting there).
 * @throws 401 `invalid_credentials` naming what failed, never echoing the token
 */
export function verifyLocalEntraToken(token: string, check: LocalEntraCheck, now = Date.now()): { id: string; roles: string } {
  const bad = (why: string) => unauthorized('invalid_credentials', `the bearer token is not valid: ${why}`);
  const [header, payload, signature, extra] = token.split('.');
  if (!header || !payload || !signature || extra !== undefined) throw bad('not a JWT');
  if (part(header)['alg'] !== 'RS256') throw bad('only RS256 tokens are accepted');
  if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), check.publicKey, Buffer.from(signature, 'base64url'))) throw bad('signature');
  const claims = part(payload);
  if (claims['iss'] !== check.issuer) throw bad('issuer');
  const aud = claims['aud'];
  if (!(aud === check.audience || (Array.isArray(aud) && aud.includes(check.audience)))) throw bad('audience');
  const seconds = now / 1000;
  if (typeof claims['exp'] !== 'number' || claims['exp'] + 60 < seconds) throw bad('expired');
  if (typeof claims['nbf'] === 'number' && claims['nbf'] - 60 > seconds) throw bad('not valid yet');
  const upn = claims['preferred_username'];
  const id = typeof upn === 'string' && /^[\x21-\x7e]{1,256}$/.test(upn) ? upn : String(claims['oid'] ?? claims['sub'] ?? '');
  const roles = Array.isArray(claims['roles']) ? claims['roles'].filter((r): r is string => typeof r === 'string').join(',') : '';
  return { id, roles };
}
