import { defineConfig } from 'vitest/config';

// Tests talk to real processes started once per run by test/setup/globalSetup.ts (docs/testing.md).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file in its own process: the local Functions host installs its core API once per process.
    pool: 'forks',
    // Sized for a 2-core machine next to 8 redis-servers + Azurite; override with --maxWorkers.
    maxWorkers: 2,
    globalSetup: ['test/setup/globalSetup.ts'],
    setupFiles: ['test/setup/perFile.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
