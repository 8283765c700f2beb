import { spawnSync } from 'node:child_process';

/** `npm ci --omit=dev` in `dir`: exactly the locked production dependencies, no install scripts. */
export function npmCiProduction(dir: string): void {
  const result = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) throw new Error(`npm ci --omit=dev failed in '${dir}' (exit ${String(result.status)})`);
}
