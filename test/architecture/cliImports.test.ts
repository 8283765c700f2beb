import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The CLI talks to the admin API only (docs/cli.md): it may borrow the API's *types* from shared/ (erased at
 * compile time), and at run time load nothing but its own files, node built-ins and picocolors. So it can never
 * open a Redis connection or pull the app's modules into its cold start.
 */
const root = path.resolve(__dirname, '../..');
const allowedPackages = new Set(['picocolors', 'picocolors/types']);

function listTs(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listTs(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []));
}

interface CliImport {
  file: string;
  line: number;
  spec: string;
  typeOnly: boolean;
}

function cliImports(): CliImport[] {
  return listTs('cli').flatMap((file) =>
    readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .flatMap((text, i) => {
        const code = text.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return [];
        const found: CliImport[] = [];
        const stat = /^(import|export)\s+(type\s+)?.*?from\s+'([^']+)'/.exec(code);
        if (stat) found.push({ file, line: i + 1, spec: stat[3] ?? '', typeOnly: stat[2] !== undefined });
        // `typeof import('x')` is a type; a bare require('x') / import('x') loads code.
        for (const m of code.matchAll(/(typeof\s+)?\b(?:require|import)\(\s*'([^']+)'\s*\)/g)) found.push({ file, line: i + 1, spec: m[2] ?? '', typeOnly: m[1] !== undefined });
        return found;
      }),
  );
}

describe('the CLI import rule', () => {
  const imports = cliImports();

  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(50);
    expect(imports.some((i) => i.typeOnly && i.spec.includes('/shared/'))).toBe(true);
    expect(imports.some((i) => !i.typeOnly && i.spec.startsWith('./commands/'))).toBe(true);
  });

  it('loads only its own files, node built-ins and picocolors; shared/ only as types', () => {
    const offending = imports
      .filter((i) => !i.typeOnly)
      .filter((i) => {
        if (i.spec.startsWith('node:') || allowedPackages.has(i.spec)) return false;
        if (!i.spec.startsWith('.')) return true;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(i.file), i.spec));
        return !target.startsWith('cli/');
      })
      .map((i) => `${i.file}:${i.line} loads '${i.spec}' at run time`);
    expect(offending).toEqual([]);
  });
});
