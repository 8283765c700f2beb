import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Files at the project root the Functions host needs next to `dist/`. */
export const packageRootFiles = ['host.json', 'package.json', 'package-lock.json'] as const;

/** Build output that is not part of the deployed app. */
const skippedInDist = new Set(['.tsbuildinfo']);

export interface StagePackageOptions {
  /** Project root (where package.json and dist/ are). */
  root: string;
  /** Folder azd zips (`dist` of the service in azure.yaml); emptied first. */
  outDir: string;
  /** Installs production dependencies into the staged folder (npm ci --omit=dev in `npmCiProduction`). */
  install: (dir: string) => void;
}

/**
 * Stages what the Function App runs: `dist/` (compiled by `npm run build`, which azd runs before this hook),
 * host.json, package.json + lock, and production node_modules. Dev tools (tsc, vitest, azurite, the node package)
 * stay out, which keeps the Flex Consumption package small. Returns the staged top-level entries.
 */
export function stagePackage(options: StagePackageOptions): string[] {
  const { root, outDir, install } = options;
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'functions'))) {
    throw new Error(`stagePackage: '${join(dist, 'functions')}' is missing; run 'npm run build' first`);
  }
  for (const file of packageRootFiles) {
    if (!existsSync(join(root, file))) throw new Error(`stagePackage: '${file}' is missing in '${root}'`);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of packageRootFiles) cpSync(join(root, file), join(outDir, file));
  cpSync(dist, join(outDir, 'dist'), {
    recursive: true,
    filter: (source) => !skippedInDist.has(basename(source)),
  });
  install(outDir);
  return readdirSync(outDir).sort();
}
