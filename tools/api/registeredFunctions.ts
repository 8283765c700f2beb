import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RegisteredFunction {
  name: string;
  trigger: string;
  /** HTTP only: the route as registered (default: the function name). */
  route?: string;
  /** HTTP only: methods as registered (default: GET and POST, as the Functions library does). */
  methods?: string[];
  /** HTTP only: `authLevel` as registered (default: `function`, as the Functions library does). */
  authLevel?: 'anonymous' | 'function' | 'admin';
  /**
   * HTTP only: the route table the handler loads, for `lazyApiHandler(async () => (await import('<module>')).<export>)`:
   * the module path as written (relative to the function file) and the export.
   */
  routeTable?: { module: string; exportName: string };
  file: string;
}

/** The options object literal that follows `app.<trigger>('<name>',` (balanced braces), or ''. */
function optionsText(source: string, from: number): string {
  const open = source.indexOf('{', from);
  if (open < 0) return '';
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(open, i + 1);
  }
  return '';
}

/**
 * Functions registered in source text: `app.http('<name>', { route, methods })`, `app.eventGrid('<name>', ...)`,
 * `app.timer(...)` and the other triggers. A scan, not an import: works without loading the app or its settings.
 */
export function scanRegistrations(source: string, file: string): RegisteredFunction[] {
  const found: RegisteredFunction[] = [];
  const pattern = /\bapp\.(\w+)\(\s*['"`]([^'"`]+)['"`]\s*,/g;
  for (const match of source.matchAll(pattern)) {
    const trigger = match[1] ?? '';
    const name = match[2] ?? '';
    if (trigger === 'setup' || trigger === 'hook') continue;
    const fn: RegisteredFunction = { name, trigger, file };
    if (trigger === 'http' || ['get', 'post', 'put', 'patch', 'deleteRequest'].includes(trigger)) {
      const options = optionsText(source, match.index + match[0].length);
      fn.trigger = 'http';
      fn.route = /\broute\s*:\s*['"`]([^'"`]*)['"`]/.exec(options)?.[1] ?? name;
      const methods = /\bmethods\s*:\s*\[([^\]]*)\]/.exec(options)?.[1];
      const shorthand: Record<string, string> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', deleteRequest: 'DELETE' };
      fn.methods = methods
        ? [...methods.matchAll(/['"`](\w+)['"`]/g)].map((m) => (m[1] ?? '').toUpperCase())
        : shorthand[trigger]
          ? [shorthand[trigger]]
          : ['GET', 'POST'];
      const authLevel = /\bauthLevel\s*:\s*['"`](anonymous|function|admin)['"`]/.exec(options)?.[1];
      fn.authLevel = (authLevel ?? 'function') as NonNullable<RegisteredFunction['authLevel']>;
      const table = /\blazyApiHandler\(\s*async\s*\(\)\s*=>\s*\(\s*await\s+import\(\s*['"`]([^'"`]+)['"`]\s*\)\s*\)\.(\w+)\s*\)/.exec(options);
      if (table?.[1] && table[2]) fn.routeTable = { module: table[1], exportName: table[2] };
    }
    found.push(fn);
  }
  return found;
}

/** Every function registered by `functions/*.ts` (the app's entry files, package.json `main`). */
export function registeredFunctions(functionsDir: string): RegisteredFunction[] {
  return readdirSync(functionsDir)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .flatMap((file) => scanRegistrations(readFileSync(join(functionsDir, file), 'utf8'), file));
}
