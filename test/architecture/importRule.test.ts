import { describe, expect, it } from 'vitest';
import { importCycles, sourceImports } from './sourceImports';

/**
 * The house rule (docs/architecture.md): platform imports no area; an area imports only the platform and
 * itself; the composition root (`shared/app/`) and `functions/` may see everything. Areas meet through events
 * and the store, never through each other's code.
 */
const areas = ['admin', 'warming', 'monitoring', 'eviction'];

function layerOf(file: string): string {
  const [top, second] = file.split('/');
  if (top !== 'shared') return top ?? file;
  if (second === 'platform' || second === 'app') return second;
  if (second && areas.includes(second)) return second;
  return `shared/${second ?? ''}`;
}

function allowed(fromLayer: string, toLayer: string): boolean {
  if (fromLayer === 'platform') return toLayer === 'platform';
  if (areas.includes(fromLayer)) return toLayer === 'platform' || toLayer === fromLayer;
  if (fromLayer === 'app' || fromLayer === 'functions') return toLayer !== 'functions';
  return false;
}

describe('the import rule', () => {
  const imports = sourceImports(['shared', 'functions']);

  it('finds the imports it checks (a checker that reads nothing cannot fail)', () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.from.startsWith('functions/') && i.to.startsWith('shared/app/'))).toBe(true);
  });

  it('shared/ holds only the platform, the four areas and the composition root', () => {
    const layers = new Set(imports.flatMap((i) => [i.from, i.to]).filter((f) => f.startsWith('shared/')).map(layerOf));
    expect([...layers].sort()).toEqual(['admin', 'app', 'eviction', 'monitoring', 'platform', 'warming']);
  });

  it('platform imports no area, an area no other area', () => {
    const offending = imports
      .filter((i) => !allowed(layerOf(i.from), layerOf(i.to)))
      .map((i) => `${i.from}:${i.line} imports ${i.to} (${layerOf(i.from)} -> ${layerOf(i.to)})`);
    expect(offending).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles = importCycles(sourceImports(['shared', 'functions', 'tools', 'bench'])).map((c) => c.join(' -> '));
    expect(cycles).toEqual([]);
  });
});
