import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Who the stand-in signs in next (it has no login form: the test decides). */
export interface StandInUser {
  upn: string;
  oid: string;
  roles: string[];
}

export interface LocalEntraStandIn {
  /** `https://127.0.0.1:<port>/<tenant>`: the authority MSAL is configured with. */
  authority: string;
  tenantId: string;
  /** PEM of the key its tokens are signed with (LOCAL_ENTRA_STANDIN_PUBLIC_KEY). */
  publicKeyPem: string;
  /** The next sign-in's user. */
  user: StandInUser;
  /** Paths it was asked for, in order (authorize, token...). */
  requests: string[];
  /** A token like the ones it issues, for API calls from the test (aud, iss, roles as given). */
  accessToken(user: StandInUser, overrides?: Record<string, unknown>): string;
  close(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * A LOCAL STAND-IN for Microsoft Entra ID's v2 endpoints — a test double for the cloud identity provider, not for
 * anything of ours. Enough of the OAuth 2.0 authorization-code flow with PKCE for MSAL Browser: the OpenID
 * configuration, `/authorize` (signs in `user` at once and redirects back with a code in the fragment, as Entra's
 * `response_mode=fragment` does), `/token` (checks the code, the redirect URI and the PKCE verifier, answers with an
 * RS256 access token for `<clientId>`, an ID token carrying the nonce, and `client_info`, CORS open like Entra's) and
 * `/logout`. HTTPS with a throwaway self-signed certificate (MSAL refuses http authorities); the browser is told to
 * accept it. Real Entra is not reachable from here; the flow against it is not exercised by any test.
 */
export async function startLocalEntraStandIn(clientId: string): Promise<LocalEntraStandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-entra-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const [key, cert] = [readFileSync(join(dir, 'key.pem'), 'utf8'), readFileSync(join(dir, 'cert.pem'), 'utf8')];
  rmSync(dir, { recursive: true, force: true });
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tenantId = '11111111-2222-4333-8444-555555555555';
  const codes = new Map<string, { user: StandInUser; redirectUri: string; challenge: string; nonce: string; scope: string }>();
  const requests: string[] = [];
  let authority = '';
  const jwt = (claims: Record<string, unknown>) => {
    const head = `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'stand-in' })}.${b64url(claims)}`;
    return `${head}.${sign('RSA-SHA256', Buffer.from(head), signing.privateKey).toString('base64url')}`;
  };
  const claimsOf = (user: StandInUser) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: `${authority}/v2.0`, tid: tenantId, oid: user.oid, sub: user.oid, preferred_username: user.upn, name: user.upn, iat: now, nbf: now, exp: now + 3600, ver: '2.0' };
  };
  const accessToken = (user: StandInUser, overrides: Record<string, unknown> = {}) => jwt({ ...claimsOf(user), aud: clientId, azp: clientId, scp: 'access_as_user', roles: user.roles, ...overrides });
  const state = { user: { upn: 'ellen@contoso.test', oid: '0d7a1f8e-3c1b-4a7e-9e6e-4c1f0a2b3c4d', roles: ['RedisClusterManager.Operator'] } as StandInUser };
  const server: Server = createServer({ key, cert }, (req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      requests.push(url.pathname);
      const cors = { 'access-control-allow-origin': String(req.headers.origin ?? '*'), 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST, OPTIONS' };
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors }).end(JSON.stringify(body));
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      const base = `/${tenantId}`;
      if (url.pathname === `${base}/v2.0/.well-known/openid-configuration`) {
        return json(200, {
          issuer: `${authority}/v2.0`,
          authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
          jwks_uri: `${authority}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          response_types_supported: ['code'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (url.pathname === `${base}/oauth2/v2.0/authorize`) {
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri') ?? '';
        if (q.get('client_id') !== clientId || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !redirectUri.startsWith('http')) return json(400, { error: 'invalid_request' });
        const code = randomBytes(16).toString('hex');
        codes.set(code, { user: state.user, redirectUri, challenge: q.get('code_challenge') ?? '', nonce: q.get('nonce') ?? '', scope: q.get('scope') ?? '' });
        const answer = new URLSearchParams({ code, state: q.get('state') ?? '', client_info: b64url({ uid: state.user.oid, utid: tenantId }), session_state: 'stand-in' });
        const mode = q.get('response_mode') ?? 'fragment';
        return void res.writeHead(302, { location: `${redirectUri}${mode === 'query' ? '?' : '#'}${answer}` }).end();
      }
      if (url.pathname === `${base}/oauth2/v2.0/token` && req.method === 'POST') {
        const form = new URLSearchParams(raw);
        const grant = codes.get(form.get('code') ?? '');
        if (form.get('grant_type') !== 'authorization_code' || !grant) return json(400, { error: 'invalid_grant', error_description: 'unknown or used code' });
        codes.delete(form.get('code') ?? '');
        const verifier = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (verifier !== grant.challenge || form.get('redirect_uri') !== grant.redirectUri || form.get('client_id') !== clientId) return json(400, { error: 'invalid_grant', error_description: 'PKCE or redirect_uri mismatch' });
        return json(200, {
          token_type: 'Bearer',
          scope: grant.scope.split(' ').filter((s) => !['openid', 'profile', 'offline_access'].includes(s)).join(' '),
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: accessToken(grant.user),
          id_token: jwt({ ...claimsOf(grant.user), aud: clientId, nonce: grant.nonce }),
          client_info: b64url({ uid: grant.user.oid, utid: tenantId }),
        });
      }
      if (url.pathname === `${base}/oauth2/v2.0/logout`) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('signed out');
      return json(404, { error: 'not_found', path: url.pathname });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authority = `https://127.0.0.1:${(server.address() as AddressInfo).port}/${tenantId}`;
  return {
    authority,
    tenantId,
    publicKeyPem: signing.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    get user() {
      return state.user;
    },
    set user(u: StandInUser) {
      state.user = u;
    },
    requests,
    accessToken,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
