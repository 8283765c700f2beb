import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir, untrackDir } from './reaper';

export interface WorkDir {
  path: string;
  /** Removes the directory if this module created it; a caller-provided directory is left alone. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * Uses `dir` (created if missing, never deleted) or a fresh `$TMPDIR/rcm-<prefix>-XXXXXX` that is deleted
 * on dispose and, if the owner dies first, by the orphan watchdog.
 */
export async function workDir(prefix: string, dir?: string): Promise<WorkDir> {
  if (dir !== undefined) {
    await mkdir(dir, { recursive: true });
    return { path: dir, dispose: async () => undefined };
  }
  const path = await mkdtemp(join(tmpdir(), `rcm-${prefix}-`));
  trackDir(path);
  let disposed = false;
  return {
    path,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await rm(path, { recursive: true, force: true });
      untrackDir(path);
    },
  };
}
