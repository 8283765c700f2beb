import { describe, expect, it } from 'vitest';
import { bicepFiles, readSource, resourceDeclarations } from './infraSource';

const roleModules = ['infra/modules/roleAssignments.bicep', 'infra/modules/roleAssignmentsRedis.bicep'];
const assignmentsIn = (file: string) =>
  resourceDeclarations(readSource(file)).filter((r) => r.type === 'Microsoft.Authorization/roleAssignments');

describe('role assignments', () => {
  it('live only in their own modules', () => {
    const elsewhere = bicepFiles().filter((file) => !roleModules.includes(file) && assignmentsIn(file).length > 0);
    expect(elsewhere).toEqual([]);
  });

  it.each(roleModules)('%s: each is named with guid() over scope, principal and role, and scoped to a resource', (file) => {
    const assignments = assignmentsIn(file);
    expect(assignments.length).toBeGreaterThan(0);
    for (const assignment of assignments) {
      expect(assignment.body, assignment.symbol).toMatch(/\n {2}name: guid\(\w+\.id, \w+, \w+(\.\w+)?\)/);
      expect(assignment.body, assignment.symbol).toMatch(/\n {2}scope: \w+/);
      expect(assignment.body, assignment.symbol).toMatch(/roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', /);
    }
  });

  it('grants the app identity what its settings need, on the narrowest resource', () => {
    const source = readSource('infra/modules/roleAssignments.bicep');
    const grants = assignmentsIn('infra/modules/roleAssignments.bicep').map((a) => {
      const role = /roles\.(\w+)\)/.exec(a.body)?.[1];
      const scope = /\n {2}scope: (\w+)/.exec(a.body)?.[1];
      const principal = /principalId: (\w+)/.exec(a.body)?.[1];
      return `${principal} ${role} on ${scope}`;
    });
    expect(grants).toEqual(
      expect.arrayContaining([
        'apiPrincipalId storageBlobDataOwner on storage',
        'apiPrincipalId storageTableDataContributor on storage',
        'apiPrincipalId monitoringMetricsPublisher on appInsights',
        'apiPrincipalId eventGridDataSender on topic',
        'apiPrincipalId keyVaultSecretsUser on vault',
        'eventGridPrincipalId storageBlobDataContributor on deadLetterContainer',
      ]),
    );
    // Built-in role ids are GUIDs.
    const rolesBlock = /^var roles = \{\n([\s\S]*?)\n\}/m.exec(source)?.[1] ?? '';
    const ids = [...rolesBlock.matchAll(/^ {2}\w+: '([^']+)'$/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
  });

  it('the cache access policy assignment gives the identity Entra data access', () => {
    const redis = readSource('infra/modules/redis.bicep');
    expect(redis).toMatch(/'Microsoft\.Cache\/redisEnterprise\/databases\/accessPolicyAssignments@[^']+'/);
    expect(redis).toMatch(/accessKeysAuthentication: 'Disabled'/);
    expect(redis).toMatch(/evictionPolicy: evictionPolicy/);
    expect(redis).toMatch(/clusteringPolicy: clusteringPolicy/);
  });
});
