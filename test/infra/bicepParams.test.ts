import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bicepFiles, infraDir, parseParams, readSource } from './infraSource';

describe('Bicep parameters', () => {
  it('finds the templates', () => {
    expect(bicepFiles()).toEqual(expect.arrayContaining(['infra/main.bicep', 'infra/modules/functionApp.bicep']));
  });

  it.each(bicepFiles())('%s: every param has a @description', (file) => {
    const params = parseParams(readSource(file));
    const undocumented = params.filter((p) => !/@description\(/.test(p.decorators)).map((p) => p.name);
    expect(undocumented, `${file} params without @description`).toEqual([]);
  });

  it('the decorator parser sees a missing description (so the check above can fail)', () => {
    const source = [
      "@description('Documented.')",
      '@minLength(1)',
      'param documented string',
      '',
      "@allowed(['a', 'b'])",
      'param undocumented string',
      "param bare string = ''",
    ].join('\n');
    const params = parseParams(source);
    expect(params.map((p) => [p.name, /@description\(/.test(p.decorators)])).toEqual([
      ['documented', true],
      ['undocumented', false],
      ['bare', false],
    ]);
  });

  it('main.parameters.json only sets params main.bicep declares, and leaves the generated secret to azd', () => {
    const file = JSON.parse(readFileSync(join(infraDir, 'main.parameters.json'), 'utf8')) as { parameters: Record<string, unknown> };
    const declared = new Set(parseParams(readSource('infra/main.bicep')).map((p) => p.name));
    expect(Object.keys(file.parameters).filter((name) => !declared.has(name))).toEqual([]);
    // Required params without a default must come from the parameters file (azd would prompt otherwise)...
    const required = parseParams(readSource('infra/main.bicep')).filter((p) => {
      const line = readSource('infra/main.bicep').split('\n').find((l) => l.startsWith(`param ${p.name} `)) ?? '';
      return !line.includes('=') && !p.decorators.includes("type: 'generate'");
    });
    expect(required.map((p) => p.name).filter((name) => !(name in file.parameters))).toEqual([]);
    // ...except the azd-generated shared secret, which must not be overridden from a file.
    expect(file.parameters).not.toHaveProperty('apimSharedSecret');
  });

  it('every abbreviation main.bicep uses exists in abbreviations.json', () => {
    const abbreviations = JSON.parse(readFileSync(join(infraDir, 'abbreviations.json'), 'utf8')) as Record<string, string>;
    const used = [...readSource('infra/main.bicep').matchAll(/\babbrs\.(\w+)/g)].map((m) => m[1] ?? '');
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !(name in abbreviations))).toEqual([]);
    expect(Object.keys(abbreviations).filter((name) => !used.includes(name)), 'unused abbreviations').toEqual([]);
  });

  it('names come from a resourceToken', () => {
    const main = readSource('infra/main.bicep');
    expect(main).toMatch(/var resourceToken = toLower\(uniqueString\(subscription\(\)\.id, environmentName, location\)\)/);
    expect(main).toMatch(/^targetScope = 'subscription'$/m);
  });
});
