import { describe, expect, it } from 'vitest';
import { findSecrets } from '../../shared/platform/registry/findSecrets';
import { parseJsonBounded } from '../../shared/platform/http/parseJsonBounded';
import { jsonErrorReason } from '../../shared/warming/sources/jsonErrorReason';

const fields = (value: unknown) => findSecrets(value).map((e) => e.field);

describe('secret detection: what it refuses and what it must let through', () => {
  it.each<[unknown, string]>([
    [{ labels: { 'db-password': 'x' } }, 'labels.db-password'],
    [{ labels: { 'redis.auth': 'x' } }, 'labels.redis.auth'],
    [{ labels: { api_token: 'x' } }, 'labels.api_token'],
    [{ labels: { mysecretthing: 'x' } }, 'labels.mysecretthing'],
    [{ labels: { note: 'see rediss://default:pw@cache:6380' } }, 'labels.note'],
    [{ labels: { note: 'then AUTH s3cret' } }, 'labels.note'],
    [{ displayName: 'Authorization: Bearer abcdefgh12345678' }, 'displayName'],
    [{ labels: { t: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc' } }, 'labels.t'],
    [{ warmPlan: { source: { url: 'https://a.example.com/x?SIG=abc' } } }, 'warmPlan.source.url'],
    [{ warmPlan: { source: { url: 'https://a.example.com/x?x-api-key=abc' } } }, 'warmPlan.source.url'],
    [{ warmPlan: { source: { url: 'https://a.example.com/x?access_token=abc' } } }, 'warmPlan.source.url'],
    ...['key', 'apiKey', 'api_key', 'APIKEY', 'subscription-key', 'Ocp-Apim-Subscription-Key', 'AccountKey', 'sharedaccesskey', 'client_secret', 'keys'].map(
      (name): [unknown, string] => [{ warmPlan: { source: { url: `https://a.example.com/x?${name}=abc` } } }, 'warmPlan.source.url'],
    ),
  ])('refuses %o at %s', (value, field) => {
    expect(fields(value)).toEqual([field]);
  });

  it.each([
    { labels: { team: 'auth-service', author: 'alice', keyspace: 'users', tier: 'gold' } },
    { displayName: 'Token bucket cache (auth team)' },
    { labels: { note: 'authentication via Entra' } },
    { warmPlan: { source: { url: 'https://cdn.example.com/feed.ndjson?page=2&format=ndjson' }, mapping: { key: 'user:{id}', value: 'token' } } },
    { keyPattern: 'session:*', secretRef: { kind: 'env', name: 'REDIS_SECRET_MAIN' } },
    // Names that merely end in "key" are not credentials (the old `.*key` rule refused all of these).
    ...['monkey', 'hotkey', 'cacheKey', 'partitionKey', 'sort_key', 'turkey'].map((name) => ({ warmPlan: { source: { url: `https://cdn.example.com/feed?${name}=users` } } })),
  ])('accepts %o', (value) => {
    expect(findSecrets(value, [], { allowedFields: /^warmPlan\.mapping\.key$/ })).toEqual([]);
  });
});

describe('parse-time bounds', () => {
  it('counts depth outside strings only: brackets inside strings do not count', () => {
    expect(parseJsonBounded(JSON.stringify({ a: '['.repeat(1000) }))).toEqual({ a: '['.repeat(1000) });
    expect(() => parseJsonBounded(`${'['.repeat(33)}${']'.repeat(33)}`)).toThrow(/deeper than 32/);
    expect(parseJsonBounded(`${'['.repeat(32)}${']'.repeat(32)}`)).toBeDefined();
  });

  it('JSON error reasons never quote the text', () => {
    for (const text of ['{"db_password":hunter2}', '{"token":"abc"', "{'pw':1}", '[1,2,hunter2]']) {
      let reason = '';
      try {
        JSON.parse(text);
      } catch (error) {
        reason = jsonErrorReason(error);
      }
      expect(reason).not.toMatch(/hunter2|db_password|token|pw/);
      expect(reason.length).toBeGreaterThan(0);
    }
  });
});
