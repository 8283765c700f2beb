import { build } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Bundles the console's browser code (`shared/monitoring/console/browser/`, TypeScript with uPlot) and its
 * stylesheet with esbuild into `dist/shared/monitoring/console/assets/`, next to the compiled route that serves
 * them, so the deployment package (dist/) carries them and nothing is fetched from a CDN at run time.
 * Run by `npm run build` after tsc.
 */
const repoRoot = resolve(__dirname, '..', '..');
const source = join(repoRoot, 'shared', 'monitoring', 'console', 'browser');
const out = join(repoRoot, 'dist', 'shared', 'monitoring', 'console', 'assets');

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  await build({
    // console.js always; entra.js (MSAL) and entra-bridge.js only when the user signs in with Microsoft.
    entryPoints: { console: join(source, 'main.ts'), entra: join(source, 'entra', 'entraMain.ts'), 'entra-bridge': join(source, 'entra', 'bridge.ts') },
    bundle: true,
    format: 'iife',
    target: ['es2022'],
    platform: 'browser',
    minify: true,
    sourcemap: true,
    legalComments: 'eof',
    outdir: out,
    logLevel: 'warning',
    tsconfig: join(source, 'tsconfig.json'),
  });
  await build({ entryPoints: { console: join(source, 'console.css') }, bundle: true, minify: true, outdir: out, logLevel: 'warning', absWorkingDir: repoRoot });
  const size = (f: string) => `${(statSync(join(out, f)).size / 1024).toFixed(1)} KiB`;
  console.log(`console bundled in ${Date.now() - started} ms: console.js ${size('console.js')}, console.css ${size('console.css')}, entra.js ${size('entra.js')}, entra-bridge.js ${size('entra-bridge.js')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
