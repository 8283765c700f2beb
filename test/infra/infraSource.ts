import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Project root (tests run from anywhere). */
export const root = join(__dirname, '..', '..');
export const infraDir = join(root, 'infra');

/** Every .bicep file under infra/, as paths relative to the project root. */
export function bicepFiles(dir = infraDir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...bicepFiles(path));
    else if (entry.name.endsWith('.bicep')) found.push(relative(root, path));
  }
  return found.sort();
}

export function readSource(relativePath: string): string {
  return readFileSync(join(root, relativePath), 'utf8');
}

export interface BicepParam {
  name: string;
  /** The decorator lines above the param, joined. */
  decorators: string;
}

const statementStart = /^(param|var|resource|module|output|targetScope|extension|import|type|func|metadata)\b|^\/\/|^}/;

/** The `param`s of a Bicep file with the decorators written above each. */
export function parseParams(source: string): BicepParam[] {
  const lines = source.split(/\r?\n/);
  const params: BicepParam[] = [];
  lines.forEach((line, index) => {
    const match = /^param\s+([A-Za-z_][A-Za-z0-9_]*)\b/.exec(line);
    if (!match?.[1]) return;
    const block: string[] = [];
    for (let i = index - 1; i >= 0; i--) {
      const above = lines[i] ?? '';
      if (above.trim() === '' || statementStart.test(above)) break;
      block.unshift(above);
    }
    params.push({ name: match[1], decorators: block.join('\n') });
  });
  return params;
}

/**
 * The top-level keys of an object literal assigned to `var <name> = {` (two-space indented keys, quoted or not).
 * Throws when the variable is missing so a renamed block cannot silently pass.
 */
export function objectVarKeys(source: string, name: string): string[] {
  const start = source.search(new RegExp(`^var ${name} = \\{`, 'm'));
  if (start < 0) throw new Error(`no 'var ${name} = {' block`);
  const body = source.slice(start).split(/\r?\n/);
  const keys: string[] = [];
  for (const line of body.slice(1)) {
    if (/^}/.test(line)) return keys;
    const key = /^ {2}'?([A-Za-z0-9_.-]+)'?\s*:/.exec(line);
    if (key?.[1]) keys.push(key[1]);
  }
  throw new Error(`'var ${name}' block is not closed`);
}

/** `resource <symbol> '<type>@<version>'` declarations of a Bicep file. */
export function resourceDeclarations(source: string): { symbol: string; type: string; body: string }[] {
  const found: { symbol: string; type: string; body: string }[] = [];
  const pattern = /^resource\s+(\w+)\s+'([^'@]+)@[^']+'/gm;
  for (const match of source.matchAll(pattern)) {
    const rest = source.slice(match.index);
    const end = rest.search(/^}/m);
    found.push({ symbol: match[1] ?? '', type: match[2] ?? '', body: end < 0 ? rest : rest.slice(0, end + 1) });
  }
  return found;
}
