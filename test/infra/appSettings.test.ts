import { describe, expect, it } from 'vitest';
import { appSettingsSchema, requiredInAzure } from '../../shared/platform/config/appSettings';
import { objectVarKeys, readSource, root } from './infraSource';
import { settingsRead } from './settingsRead';

const functionApp = readSource('infra/modules/functionApp.bicep');
const settings = objectVarKeys(functionApp, 'appSettings');

/** Settings read by the Functions host, the Azure SDKs or OpenTelemetry rather than by appSettingsSchema. */
const platformSettings = [
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
];

describe('Function App settings', () => {
  it.each([...requiredInAzure])('sets %s (required in Azure by shared/platform/config/appSettings.ts)', (name) => {
    expect(settings).toContain(name);
  });

  it('sets nothing the app (its schema or an area settings module) or the platform does not read', () => {
    const known = new Set([...Object.keys(appSettingsSchema.shape), ...settingsRead(root).map((s) => s.name), ...platformSettings]);
    expect(settings.filter((name) => !known.has(name))).toEqual([]);
  });

  it('uses identity-based connections and Entra telemetry, never keys', () => {
    expect(functionApp).toMatch(/AzureWebJobsStorage__credential: 'managedidentity'/);
    expect(functionApp).toMatch(/AzureWebJobsStorage__clientId: identityClientId/);
    expect(functionApp).toMatch(/AZURE_CLIENT_ID: identityClientId/);
    expect(functionApp).toMatch(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=\$\{identityClientId\};Authorization=AAD'/);
    expect(settings).not.toContain('AzureWebJobsStorage');
    expect(settings).not.toContain('EVENTGRID_TOPIC_KEY');
    expect(functionApp).not.toMatch(/listKeys|AccountKey|SharedAccessKey/);
  });

  it('takes the APIM shared secret from Key Vault by reference', () => {
    expect(functionApp).toMatch(/APIM_SHARED_SECRET: '@Microsoft\.KeyVault\(SecretUri=\$\{apimSharedSecretUri\}\)'/);
    expect(functionApp).toMatch(/keyVaultReferenceIdentity: identityId/);
  });

  it('leaves out what Flex Consumption rejects and sets the runtime in functionAppConfig', () => {
    for (const rejected of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_NODE_DEFAULT_VERSION']) {
      expect(settings).not.toContain(rejected);
    }
    expect(functionApp).toMatch(/runtime: \{\s*name: 'node'\s*version: '22'\s*\}/);
    expect(functionApp).toMatch(/type: 'blobContainer'/);
    expect(functionApp).toMatch(/type: 'UserAssignedIdentity'/);
    expect(functionApp).toMatch(/'azd-service-name': serviceName/);
  });

  it('the key parser reads the block (so a missing setting is caught)', () => {
    const source = "var appSettings = {\n  A: 'x'\n  'B__c': y\n  nested: {\n    inner: 1\n  }\n}\n";
    expect(objectVarKeys(source, 'appSettings')).toEqual(['A', 'B__c', 'nested']);
    expect(() => objectVarKeys(source, 'missing')).toThrow(/no 'var missing/);
  });
});
