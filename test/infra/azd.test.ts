import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reprovisionSubscriptions } from '../../infra/hooks/reprovisionSubscriptions';
import { stagePackage } from '../../infra/hooks/stagePackage';
import { readSource, root } from './infraSource';

describe('azure.yaml', () => {
  const yaml = readSource('azure.yaml');

  it('declares the api service as a TypeScript function app from the project root', () => {
    expect(yaml).toMatch(/^services:\n {2}api:\n {4}project: \.\n {4}language: ts\n {4}host: function\n/m);
    expect(yaml).toMatch(/^ {2}path: infra\n {2}module: main$/m);
  });

  it('zips the staged package the prepackage hook writes, built locally', () => {
    const dist = /^ {4}dist: (\S+)$/m.exec(yaml)?.[1];
    expect(dist).toBe('.local/azd-package');
    expect(readSource('infra/hooks/prepackage.ts')).toContain("join(root, '.local', 'azd-package')");
    expect(yaml).toMatch(/^ {4}remoteBuild: false$/m);
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toMatch(/^\.local\/$/m);
  });

  it('every hook it runs exists', () => {
    const scripts = [...yaml.matchAll(/run: npx --no-install tsx (\S+)/g)].map((m) => m[1] ?? '');
    expect(scripts).toEqual(expect.arrayContaining(['infra/hooks/prepackage.ts', 'infra/hooks/postdeploy.ts']));
    for (const script of scripts) expect(existsSync(join(root, script)), script).toBe(true);
  });

  it('the subscription switch the postdeploy hook flips is the one main.parameters.json reads', () => {
    expect(readSource('infra/main.parameters.json')).toContain('"deployEventSubscriptions": { "value": "${RCM_DEPLOY_EVENT_SUBSCRIPTIONS=false}" }');
  });
});

describe('stagePackage', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function project(): string {
    dir = mkdtempSync(join(tmpdir(), 'rcm-stage-'));
    mkdirSync(join(dir, 'dist', 'functions'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'shared'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'functions', 'health.js'), 'module.exports = {};');
    writeFileSync(join(dir, 'dist', 'shared', 'x.js'), '');
    writeFileSync(join(dir, 'dist', '.tsbuildinfo'), '{}');
    for (const file of ['host.json', 'package.json', 'package-lock.json']) writeFileSync(join(dir, file), '{}');
    mkdirSync(join(dir, 'functions'));
    writeFileSync(join(dir, 'functions', 'health.ts'), '// source');
    return dir;
  }

  it('stages dist, host.json, package files and production dependencies, nothing else', () => {
    const projectDir = project();
    const outDir = join(projectDir, '.local', 'azd-package');
    const installed: string[] = [];
    const staged = stagePackage({
      root: projectDir,
      outDir,
      install: (target) => {
        installed.push(target);
        mkdirSync(join(target, 'node_modules'));
      },
    });
    expect(staged).toEqual(['dist', 'host.json', 'node_modules', 'package-lock.json', 'package.json']);
    expect(installed).toEqual([outDir]);
    expect(existsSync(join(outDir, 'dist', 'functions', 'health.js'))).toBe(true);
    expect(existsSync(join(outDir, 'dist', '.tsbuildinfo'))).toBe(false);
    expect(existsSync(join(outDir, 'functions'))).toBe(false);
  });

  it('refuses to stage without a build', () => {
    const projectDir = project();
    rmSync(join(projectDir, 'dist'), { recursive: true });
    expect(() => stagePackage({ root: projectDir, outDir: join(projectDir, 'out'), install: () => undefined })).toThrow(
      /dist[/\\]functions' is missing; run 'npm run build' first/,
    );
  });
});

describe('reprovisionSubscriptions', () => {
  it('does nothing when no subscription is declared', () => {
    const calls: string[] = [];
    expect(reprovisionSubscriptions(0, (c, a) => (calls.push([c, ...a].join(' ')), 0))).toBe('skipped');
    expect(calls).toEqual([]);
  });

  it('provisions with subscriptions on, then switches them off again', () => {
    const calls: string[] = [];
    expect(reprovisionSubscriptions(2, (c, a) => (calls.push([c, ...a].join(' ')), 0))).toBe('provisioned');
    expect(calls).toEqual([
      'azd env set RCM_DEPLOY_EVENT_SUBSCRIPTIONS true',
      'azd provision --no-prompt',
      'azd env set RCM_DEPLOY_EVENT_SUBSCRIPTIONS false',
    ]);
  });

  it('switches them off and fails when the provision fails', () => {
    const calls: string[] = [];
    const run = (c: string, a: readonly string[]) => (calls.push([c, ...a].join(' ')), a[0] === 'provision' ? 1 : 0);
    expect(() => reprovisionSubscriptions(1, run)).toThrow(/failed \(exit 1\)/);
    expect(calls.at(-1)).toBe('azd env set RCM_DEPLOY_EVENT_SUBSCRIPTIONS false');
  });
});
