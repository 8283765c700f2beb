import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One relative import in the source: the importing file, its line, and the file it resolves to. */
export interface SourceImport {
  from: string;
  line: number;
  to: string;
}

const root = path.resolve(__dirname, '../..');
const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;

function listTs(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return listTs(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

function resolve(from: string, spec: string, known: Set<string>): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
}

/** Every relative import of the `.ts` files under `dirs`, resolved to repository paths (comments skipped). */
export function sourceImports(dirs: string[]): SourceImport[] {
  const files = dirs.flatMap(listTs);
  const known = new Set(files);
  return files.flatMap((from) =>
    readFileSync(path.join(root, from), 'utf8')
      .split('\n')
      .flatMap((text, index) => {
        const code = text.trimStart();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return [];
        return [...code.matchAll(importPattern)].flatMap((match) => {
          const to = resolve(from, match[1] ?? '', known);
          return to ? [{ from, line: index + 1, to }] : [];
        });
      }),
  );
}

/** Import cycles among `imports`, each as the list of files around it (first file repeated at the end). */
export function importCycles(imports: SourceImport[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const { from, to } of imports) edges.set(from, [...(edges.get(from) ?? []), to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  return cycles;
}
