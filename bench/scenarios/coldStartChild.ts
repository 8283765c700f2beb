import { resolve } from 'node:path';
import { createCoreApi } from '../../tools/host/core/createCoreApi';
import { installCoreApi } from '../../tools/host/core/installCoreApi';
import { loadEntryFiles, resolveEntryFiles } from '../../tools/host/core/loadApp';

/**
 * One fresh process of the cold-start benchmark. `app`: with the worker API installed as the host does, load
 * every entry file of package.json `main` (all functions register). `library`: require `@azure/functions` only.
 * Prints `{ ms, functions }` as JSON. The host's own modules load before the clock starts in both modes: they
 * are not part of the app's cold start (in Azure the worker is already running).
 */
const mode = process.argv[2];
const repoRoot = resolve(__dirname, '..', '..', '..');

if (mode === 'library') {
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@azure/functions');
  console.log(JSON.stringify({ ms: performance.now() - started, functions: 0 }));
} else if (mode === 'app') {
  const { api, registry } = createCoreApi(() => undefined);
  installCoreApi(api);
  const files = resolveEntryFiles(repoRoot);
  const started = performance.now();
  loadEntryFiles(repoRoot, files);
  const ms = performance.now() - started;
  // `--modules`: also list the packages the app import pulled in (test/functions/coldStart.test.ts reads it).
  const packages = process.argv.includes('--modules')
    ? [...new Set(Object.keys(require.cache).flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? []))].sort()
    : undefined;
  console.log(JSON.stringify({ ms, functions: registry.functions.size, files: files.length, packages }));
} else {
  console.error('usage: coldStartChild app|library');
  process.exit(2);
}
