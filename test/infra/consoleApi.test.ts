import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apimHeaders } from '../../shared/platform/auth/authenticate';
import { dashboardAssetNames } from '../../shared/monitoring/console/dashboardAssetNames';
import { child, consoleApiPolicy, descendants, mainApiPolicy, policyTree, type PolicyElement } from './apimPolicies';
import { infraDir, readSource, resourceDeclarations } from './infraSource';

/**
 * The console through API Management (infra/modules/apim.bicep, infra/policies/console-api-policy.xml): a second API
 * without subscription key whose only anonymous operations are the page and its assets (GET), every other operation
 * behind the same validate-jwt as the main API; the main API as it was. Static checks: APIM itself is not reachable
 * from here (the browser side is test/monitoring/consoleApimPath.e2e.test.ts, through a local stand-in).
 */
const apim = readSource('infra/modules/apim.bicep');
const main = readSource('infra/main.bicep');
const apis = resourceDeclarations(apim).filter((r) => r.type === 'Microsoft.ApiManagement/service/apis');
const api = (symbol: string) => apis.find((r) => r.symbol === symbol)?.body ?? '';
const openapi = JSON.parse(readFileSync(join(infraDir, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>> };
const operations = Object.entries(openapi.paths).flatMap(([template, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), template, id: op.operationId })));
const anonymousTemplates = ['/dashboard', '/dashboard/assets/{name}'];

const inbound = (xml: string) => child(policyTree(xml), 'policies/inbound');
const names = (e: PolicyElement) => e.children.map((c) => c.name);

describe('the console API on the gateway', () => {
  it('is a second API (path console) with subscriptionRequired false, in no product; only it drops the subscription key', () => {
    expect(apis.map((a) => a.symbol).sort()).toEqual(['api', 'consoleApi']);
    expect(api('consoleApi')).toMatch(/\n {4}path: consolePath\n/);
    expect(apim).toMatch(/param consolePath string = 'console'/);
    expect(api('consoleApi')).toMatch(/\n {4}subscriptionRequired: false\n/);
    expect(api('api')).toMatch(/\n {4}subscriptionRequired: true\n/);
    expect(apim.match(/subscriptionRequired: false/g)).toHaveLength(1);
    // The main API's product; the console API is in none (a product would ask for its subscription).
    const productApis = resourceDeclarations(apim).filter((r) => r.type === 'Microsoft.ApiManagement/service/products/apis');
    expect(productApis.map((r) => /\n {2}name: ([\w.]+)/.exec(r.body)?.[1])).toEqual(['api.name']);
    // Same operations and backend as the main API: the app's document, forwarded to https://<app>/api.
    for (const body of [api('api'), api('consoleApi')]) {
      expect(body).toContain('value: openApiDocument');
      expect(body).toContain("serviceUrl: 'https://${functionAppHostName}/api'");
      expect(body).toContain("protocols: ['https']");
    }
    expect(apim).toContain("var openApiDocument = string(loadJsonContent('../openapi.json'))");
  });

  it('lets exactly the page and its assets through without a token, GET only', () => {
    const choose = child(inbound(consoleApiPolicy('Consumption')), 'choose');
    expect(names(choose)).toEqual(['when', 'otherwise']);
    const condition = /condition="(.*)">$/.exec(child(choose, 'when').tag)?.[1];
    expect(condition).toBe(`@(context.Request.Method == "GET" && (${anonymousTemplates.map((t) => `context.Operation.UrlTemplate == "${t}"`).join(' || ')}))`);
    // The operations that condition lets through: the page and the asset route, nothing else, and both GET-only routes.
    const anonymous = operations.filter((o) => o.method === 'GET' && anonymousTemplates.includes(o.template));
    expect(anonymous.map((o) => o.id)).toEqual(['getDashboard', 'getDashboardAsset']);
    for (const template of anonymousTemplates) expect(Object.keys(openapi.paths[template] ?? {})).toEqual(['get']);
    // What the page loads is all under that asset route (signed-in.html is the Entra redirect URI).
    expect(dashboardAssetNames).toContain('signed-in.html');
  });

  it('every other operation (every data call) passes validate-jwt and forwards the identity; the anonymous branch forwards none', () => {
    for (const sku of ['Consumption', 'BasicV2'] as const) {
      const choose = child(inbound(consoleApiPolicy(sku)), 'choose');
      const data = child(choose, 'otherwise');
      expect(names(data).slice(0, 5)).toEqual(['validate-jwt', 'set-header', 'set-header', 'set-header', 'set-header']);
      for (const header of Object.values(apimHeaders)) expect(data.children.some((c) => c.tag.includes(`name="${header}" exists-action="override"`))).toBe(true);
      const open = child(choose, 'when');
      expect(descendants(open)).not.toContain('validate-jwt');
      expect(open.children.filter((c) => c.name === 'set-header').map((c) => c.tag)).toEqual(['<set-header name="Authorization" exists-action="delete" />']);
    }
    const dataOperations = operations.filter((o) => !(o.method === 'GET' && anonymousTemplates.includes(o.template)));
    expect(dataOperations.length).toBe(operations.length - 2);
    expect(dataOperations.map((o) => o.id)).toEqual(expect.arrayContaining(['listClusters', 'getMe', 'invalidateNamespace', 'putEvictionPolicy', 'cancelJob']));
  });

  it('drops caller-sent identity headers and credentials before anything, and forwards to the app with its function key', () => {
    const steps = inbound(consoleApiPolicy('Consumption')).children;
    const deleted = steps.filter((c) => c.name === 'set-header' && c.tag.includes('exists-action="delete"')).map((c) => /name="([^"]+)"/.exec(c.tag)?.[1]);
    expect(deleted).toEqual([apimHeaders.secret, apimHeaders.principal, apimHeaders.roles, 'x-api-key', 'x-functions-key', 'Ocp-Apim-Subscription-Key']);
    expect(steps.map((c) => c.name)).toEqual(['base', ...deleted.map(() => 'set-header'), 'choose', 'set-backend-service']);
    expect(steps[steps.length - 1]?.tag).toBe('<set-backend-service backend-id="rcm-function-app" />');
    const outbound = child(policyTree(consoleApiPolicy('Consumption')), 'policies/outbound');
    expect(outbound.children.map((c) => c.tag)).toContain(`<set-header name="${apimHeaders.secret}" exists-action="delete" />`);
  });

  it('throttles per client IP (page, assets) and per token subject (data): rate-limit-by-key where the tier has it, limit-concurrency everywhere', () => {
    const keyOf = (branch: PolicyElement) => /value="(.*)" \/>$/.exec(branch.children.find((c) => c.tag.includes('name="rcm-throttle-key"'))?.tag ?? '')?.[1];
    const choose = child(inbound(consoleApiPolicy('BasicV2')), 'choose');
    expect(keyOf(child(choose, 'when'))).toBe('@("ip:" + context.Request.IpAddress)');
    expect(keyOf(child(choose, 'otherwise'))).toBe('@("sub:" + ((Jwt)context.Variables["rcm-jwt"]).Subject)');
    // The subject is read after validate-jwt (only a validated token names the counter).
    const data = names(child(choose, 'otherwise'));
    expect(data.indexOf('set-variable')).toBeGreaterThan(data.indexOf('validate-jwt'));
    for (const branch of ['when', 'otherwise']) expect(names(child(choose, branch)).slice(-2)).toEqual(['set-variable', 'rate-limit-by-key']);
    expect(descendants(policyTree(consoleApiPolicy('Consumption')))).not.toContain('rate-limit-by-key');
    expect(apim).toContain("var hasRateLimitByKey = skuName != 'Consumption'");
    const backend = child(policyTree(consoleApiPolicy('Consumption')), 'policies/backend');
    expect(backend.children.map((c) => c.tag)).toEqual(['<limit-concurrency key="@((string)context.Variables["rcm-throttle-key"])" max-count="20">']);
    expect(names(child(backend, 'limit-concurrency'))).toEqual(['forward-request']);
  });

  it('a token validate-jwt refuses is answered as the app\'s problem+json (401), nothing else is rewritten', () => {
    const onError = child(policyTree(consoleApiPolicy('Consumption')), 'policies/on-error');
    expect(names(onError)).toEqual(['base', 'choose']);
    const when = child(onError, 'choose/when');
    expect(names(child(onError, 'choose'))).toEqual(['when']);
    expect(when.tag).toBe('<when condition="@(context.LastError.Source == "validate-jwt")">');
    expect(names(child(when, 'return-response'))).toEqual(['set-status', 'set-header', 'set-body']);
    const body = /<set-body>([^<]*)<\/set-body>/.exec(readSource('infra/policies/console-api-policy.xml'))?.[1] ?? '';
    const problem = JSON.parse(body) as Record<string, unknown>;
    // The shape problemResponse() gives (shared/platform/http/problem.ts), so the console shows its title and detail.
    expect(problem).toEqual({ type: 'urn:redis-cluster-manager:problem:entra_token_required', title: 'Unauthorized', status: 401, code: 'entra_token_required', detail: expect.stringContaining('Sign in with Microsoft') });
    expect(readSource('infra/policies/console-api-policy.xml')).toContain('<value>application/problem+json; charset=utf-8</value>');
  });

  it('apim.bicep deploys the policies with exactly the replacements the tests assemble (no placeholder left)', () => {
    expect(apim).toContain("var entraIdentity = loadTextContent('../policies/entra-identity.xml')");
    expect(apim).toContain("replace(loadTextContent('../policies/console-api-policy.xml'), '__ENTRA_IDENTITY__', entraIdentity)");
    expect(apim).toMatch(/'__RATE_LIMIT_BY_KEY__',\s*consoleRateLimit\s*\)/);
    expect(apim).toMatch(/'__CONCURRENCY__',\s*string\(consoleConcurrency\)\s*\)/);
    expect(apim).toMatch(/'__ENTRA_IDENTITY__',\s*entraIdentity\s*\)/);
    expect(apim).toContain(`var consoleRateLimit = hasRateLimitByKey ? '<rate-limit-by-key calls="\${consoleRateLimitCalls}" renewal-period="\${rateLimitPeriodSeconds}" counter-key="@((string)context.Variables["rcm-throttle-key"])" />' : ''`);
    // Placeholders only where they are meant (never in a comment, where a splice would break the XML), none left after.
    const placeholders = (file: string) => [...readSource(file).matchAll(/__[A-Z_]+__/g)].map((m) => m[0]);
    expect(placeholders('infra/policies/api-policy.xml')).toEqual(['__RATE_LIMIT_CALLS__', '__RATE_LIMIT_PERIOD__', '__ENTRA_IDENTITY__']);
    expect(placeholders('infra/policies/console-api-policy.xml')).toEqual(['__RATE_LIMIT_BY_KEY__', '__ENTRA_IDENTITY__', '__RATE_LIMIT_BY_KEY__', '__CONCURRENCY__']);
    expect(placeholders('infra/policies/entra-identity.xml')).toEqual([]);
    for (const xml of [mainApiPolicy(), consoleApiPolicy('Consumption'), consoleApiPolicy('StandardV2')]) {
      expect(xml).not.toMatch(/__[A-Z_]+__/);
      expect(names(policyTree(xml))).toEqual(['policies']);
    }
  });

  it('the validate-jwt and identity mapping are written once (entra-identity.xml), spliced into both APIs', () => {
    for (const file of ['infra/policies/api-policy.xml', 'infra/policies/console-api-policy.xml']) {
      expect(readSource(file)).not.toContain('<validate-jwt');
      expect(readSource(file)).toContain('__ENTRA_IDENTITY__');
    }
    const fragment = readSource('infra/policies/entra-identity.xml');
    expect(fragment.match(/<validate-jwt /g)).toHaveLength(1);
    expect(mainApiPolicy()).toContain(fragment);
    expect(consoleApiPolicy('Consumption')).toContain(fragment);
  });

  it('the main API is unchanged: subscription key, rate limit per key, then the Entra identity, then the app', () => {
    const steps = inbound(mainApiPolicy()).children.map((c) => c.tag.replace(/\s+/g, ' ').replace(/ (output-token-variable-name|failed-validation-error-message)="[^"]*"/g, ''));
    expect(steps).toEqual([
      '<base />',
      '<rate-limit calls="120" renewal-period="60" />',
      '<validate-jwt header-name="Authorization" require-scheme="Bearer" failed-validation-httpcode="401">',
      '<set-header name="x-rcm-principal" exists-action="override">',
      '<set-header name="x-rcm-roles" exists-action="override">',
      '<set-header name="x-rcm-apim-secret" exists-action="override">',
      '<set-header name="Authorization" exists-action="delete" />',
      '<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />',
      '<set-backend-service backend-id="rcm-function-app" />',
    ]);
    expect(api('api')).toMatch(/\n {4}path: apiPath\n/);
    expect(apim).toMatch(/param apiPath string = 'api'/);
    expect(api('api')).toMatch(/header: 'Ocp-Apim-Subscription-Key'/);
  });
});

describe('the Entra sign-in redirect URI', () => {
  it('is the console\'s signed-in.html through the console API on the gateway the template names', () => {
    expect(main).toContain("var apimName = '${abbrs.apiManagementService}${resourceToken}'");
    expect(main).toContain("var consoleApiPath = 'console'");
    expect(main).toContain("spaRedirectUris: ['https://${apimName}.azure-api.net/${consoleApiPath}/dashboard/assets/signed-in.html']");
    const apimModule = /module apim 'modules\/apim\.bicep' = \{[\s\S]*?\n\}/.exec(main)?.[0] ?? '';
    expect(apimModule).toContain('name: apimName');
    expect(apimModule).toContain('consolePath: consoleApiPath');
    expect(apim).toContain("output consoleUrl string = '${service.properties.gatewayUrl}/${consolePath}/dashboard'");
    expect(main).toContain('output CONSOLE_URL string = apim.outputs.consoleUrl');
  });

  it('is where the console\'s MSAL sends the popup back when opened at that URL', () => {
    const entraMain = readSource('shared/monitoring/console/browser/entra/entraMain.ts');
    expect(entraMain).toContain("redirectUri: new URL('dashboard/assets/signed-in.html', location.href.replace(/[?#].*$/, '')).href");
    const consoleUrl = 'https://apim-abc123.azure-api.net/console/dashboard';
    expect(new URL('dashboard/assets/signed-in.html', consoleUrl).href).toBe('https://apim-abc123.azure-api.net/console/dashboard/assets/signed-in.html');
  });
});

describe('policyTree (the checker itself)', () => {
  it('builds the tree, ignores comments, and throws on unbalanced input', () => {
    const tree = policyTree('<policies><!-- <validate-jwt> --><inbound><base /><choose><when condition="@(1 == 1)"><x /></when></choose></inbound></policies>');
    expect(descendants(tree)).toEqual(['policies', 'inbound', 'base', 'choose', 'when', 'x']);
    expect(child(tree, 'policies/inbound/choose/when').tag).toBe('<when condition="@(1 == 1)">');
    expect(() => policyTree('<policies><inbound></policies>')).toThrow('</policies> closes <inbound>');
    expect(() => policyTree('<policies><inbound>')).toThrow('unclosed <inbound>');
    expect(() => child(tree, 'policies/outbound')).toThrow('no <outbound> under <policies>');
  });
});
