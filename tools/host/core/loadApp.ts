import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { globbySync, isDynamicPattern } from 'globby';

/**
 * Files the app's entry points resolve to: `entryFiles` if given, else package.json `main`, expanded with globby
 * relative to the app folder, as the real Node.js worker does (`globby(main, { cwd })` in its startApp.ts): braces
 * (`dist/{functions/*.js,extra.js}`), `**`, extglobs such as `!(skip).js`, and in an `entryFiles` list, `!` patterns
 * that exclude. Files load in globby's order, as in the worker.
 */
export function resolveEntryFiles(appDir: string, entryFiles?: string[]): string[] {
  let patterns = entryFiles;
  if (!patterns || patterns.length === 0) {
    const packageJsonPath = join(appDir, 'package.json');
    if (!existsSync(packageJsonPath)) throw new Error(`No package.json in ${appDir}`);
    const main: unknown = JSON.parse(readFileSync(packageJsonPath, 'utf8')).main;
    if (typeof main !== 'string' || main.length === 0) {
      throw new Error(`package.json in ${appDir} has no "main" naming the function entry files`);
    }
    patterns = [main];
  }
  const files = globbySync(patterns, { cwd: appDir }).map((file) => join(appDir, file));
  if (files.length === 0) {
    // The worker's two messages: a pattern that matched nothing, or a plain path that is not there.
    const reason = patterns.some((p) => isDynamicPattern(p, { cwd: appDir })) ? 'Found zero files matching the supplied pattern' : 'File does not exist';
    throw new Error(`No function entry files match ${patterns.map((p) => `"${p}"`).join(', ')} in ${appDir} (${reason})`);
  }
  return files;
}

interface TsxApi {
  register(options: { namespace: string }): { require(id: string, fromFile: string): unknown };
}

/**
 * Requires every entry file (CommonJS, as the real worker does for a non-ESM app). TypeScript files go
 * through tsx's CommonJS loader, scoped to a namespace so the rest of the process is unaffected.
 */
export function loadEntryFiles(appDir: string, files: string[]): void {
  const appRequire = createRequire(join(resolve(appDir), 'package.json'));
  let tsx: ReturnType<TsxApi['register']> | undefined;
  for (const file of files) {
    if (/\.(c|m)?tsx?$/.test(file)) {
      if (!tsx) {
        // Lazy handlers use `await import('./x.js')`, which goes through Node's ESM loader, and the CommonJS
        // modules it loads then `require` their neighbours outside any tsx namespace: register tsx for the
        // whole process (both loaders) so every such path finds the `.ts` source.
        (loadTsx(appDir, 'tsx/esm/api') as TsxEsmApi).register();
        (loadTsx(appDir, 'tsx/cjs/api') as TsxEsmApi).register();
        tsx = (loadTsx(appDir, 'tsx/cjs/api') as TsxApi).register({ namespace: 'local-functions-host' });
      }
      tsx.require(file, join(resolve(appDir), 'package.json'));
    } else {
      appRequire(file);
    }
  }
}

interface TsxEsmApi {
  register(): unknown;
}

function loadTsx(appDir: string, api: 'tsx/cjs/api' | 'tsx/esm/api'): unknown {
  for (const base of [join(resolve(appDir), 'package.json'), join(process.cwd(), 'package.json')]) {
    try {
      return createRequire(base)(api);
    } catch {
      // try the next place
    }
  }
  throw new Error('TypeScript entry files need the "tsx" package (devDependency) to be installed');
}
