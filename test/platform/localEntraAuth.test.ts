import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authConfig } from '../../shared/platform/auth/authConfig';
import { authenticate } from '../../shared/platform/auth/authenticate';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const authority = 'https://127.0.0.1:9443/tenant';
const audience = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const settings = { LOCAL_ENTRA_STANDIN_PUBLIC_KEY: pem, CONSOLE_ENTRA_AUTHORITY: authority, CONSOLE_ENTRA_CLIENT_ID: audience };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const token = (claims: Record<string, unknown>, alg = 'RS256') => {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKey).toString('base64url')}`;
};
const good = () => ({ iss: `${authority}/v2.0`, aud: audience, exp: Math.floor(Date.now() / 1000) + 600, preferred_username: 'ellen@contoso.test', oid: 'o-1', roles: ['RedisClusterManager.Operator', 'reader'] });
const headers = (auth: string) => ({ get: (name: string) => (name === 'authorization' ? auth : null) });

describe('bearer tokens of the local Entra stand-in', () => {
  it('a valid token is an entra principal with its highest app role', () => {
    expect(authenticate(headers(`Bearer ${token(good())}`), authConfig(settings, {}))).toEqual({ id: 'ellen@contoso.test', kind: 'entra', role: 'operator' });
  });

  it('is refused in Azure (WEBSITE_SITE_NAME set), and needs the authority and audience', () => {
    expect(() => authConfig(settings, { WEBSITE_SITE_NAME: 'func-abc' })).toThrow(/refused in Azure/);
    expect(() => authConfig({ LOCAL_ENTRA_STANDIN_PUBLIC_KEY: pem }, {})).toThrow(/needs 'CONSOLE_ENTRA_AUTHORITY'/);
    expect(() => authConfig({ ...settings, LOCAL_ENTRA_STANDIN_PUBLIC_KEY: 'not a key' }, {})).toThrow(/PEM public key/);
  });

  it('without the stand-in setting a bearer token is not accepted by the app (APIM validates them in Azure)', () => {
    expect(() => authenticate(headers(`Bearer ${token(good())}`), authConfig({}, {}))).toThrow(/send an API key/);
  });

  it.each([
    ['alg none', token(good(), 'none'), 'only RS256'],
    ['issuer', token({ ...good(), iss: 'https://evil/v2.0' }), 'issuer'],
    ['audience', token({ ...good(), aud: 'other' }), 'audience'],
    ['expired', token({ ...good(), exp: 1 }), 'expired'],
    ['not yet valid', token({ ...good(), nbf: Math.floor(Date.now() / 1000) + 3600 }), 'not valid yet'],
    ['not a JWT', 'abc', 'not a JWT'],
  ])('%s is 401 naming why', (_, bad, why) => {
    expect(() => authenticate(headers(`Bearer ${bad}`), authConfig(settings, {}))).toThrow(`the bearer token is not valid: ${why}`);
  });

  it('a token without an app role of this API is 403', () => {
    expect(() => authenticate(headers(`Bearer ${token({ ...good(), roles: ['Other.Role'] })}`), authConfig(settings, {}))).toThrow(/holds none of the roles/);
  });
});
