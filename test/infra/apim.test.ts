import { describe, expect, it } from 'vitest';
import { apimHeaders } from '../../shared/platform/auth/authenticate';
import { roles } from '../../shared/platform/auth/Principal';
import { consoleApiPolicy, mainApiPolicy } from './apimPolicies';
import { readSource, resourceDeclarations } from './infraSource';

/** The main API's policy as deployed (placeholders replaced as apim.bicep does; consoleApi.test.ts checks that). */
const policy = mainApiPolicy();
const apim = readSource('infra/modules/apim.bicep');

describe('API Management', () => {
  it('validates Entra JWTs, rate-limits and needs a subscription key', () => {
    expect(policy).toMatch(/<validate-jwt header-name="Authorization"/);
    expect(policy).toMatch(/<audience>\{\{rcm-api-client-id\}\}<\/audience>/);
    expect(readSource('infra/policies/api-policy.xml')).toMatch(/<rate-limit calls="__RATE_LIMIT_CALLS__" renewal-period="__RATE_LIMIT_PERIOD__" \/>/);
    expect(apim).toMatch(/'__RATE_LIMIT_CALLS__', string\(rateLimitCalls\)/);
    expect(apim).toMatch(/'__RATE_LIMIT_PERIOD__',\s*string\(rateLimitPeriodSeconds\)/);
    expect(apim).toMatch(/subscriptionRequired: true/);
  });

  it('forwards principal, roles and the shared secret in the headers the app reads', () => {
    for (const header of Object.values(apimHeaders)) {
      expect(policy).toContain(`<set-header name="${header}" exists-action="override">`);
    }
    expect(policy).toMatch(/<value>\{\{rcm-apim-secret\}\}<\/value>/);
  });

  it('every {{named value}} the policies use is defined, and the function key comes from the host', () => {
    const used = new Set([...(policy + consoleApiPolicy('BasicV2')).matchAll(/\{\{([\w-]+)\}\}/g)].map((m) => m[1]));
    used.add('rcm-function-key'); // used by the backend's credentials
    const defined = resourceDeclarations(apim)
      .filter((r) => r.type === 'Microsoft.ApiManagement/service/namedValues')
      .map((r) => /\n {2}name: '([\w-]+)'/.exec(r.body)?.[1]);
    expect([...used].filter((name) => !defined.includes(name))).toEqual([]);
    expect(apim).toMatch(/listKeys\('\$\{functionApp\.id\}\/host\/default', '[\d-]+'\)\.functionKeys\.default/);
    expect(apim).toMatch(/'x-functions-key': \['\{\{rcm-function-key\}\}'\]/);
  });

  it('the policy XML has balanced elements', () => {
    const withoutComments = (policy + consoleApiPolicy('BasicV2')).replace(/<!--[\s\S]*?-->/g, '');
    const stack: string[] = [];
    for (const tag of withoutComments.matchAll(/<(\/?)([\w-]+)[^>]*?(\/?)>/g)) {
      if (tag[3] === '/') continue;
      if (tag[1] === '/') expect(stack.pop(), `closing </${tag[2]}>`).toBe(tag[2]);
      else stack.push(tag[2] ?? '');
    }
    expect(stack).toEqual([]);
  });

  it('the Entra app registration defines exactly the manager\'s roles', () => {
    const entra = readSource('infra/modules/entraApp.bicep');
    const values = [...entra.matchAll(/\{ value: '(\w+)'/g)].map((m) => m[1]);
    expect(values).toEqual([...roles]);
  });
});
