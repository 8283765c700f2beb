import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A setting the app reads, and the first file that reads it. */
export interface SettingRead {
  name: string;
  file: string;
}

const settingName = /^(?:[A-Z][A-Z0-9_]*|AzureWebJobsStorage(?:__[A-Za-z]+)?)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every app setting the code reads, from the source: the fields of the settings schemas (`*Settings.ts` modules:
 * `NAME: z....`), `env['NAME']` / `env.NAME` reads and `...Setting = 'NAME'` constants in shared/ and functions/.
 * A scan, not an import, so it sees the settings modules of every area without loading them.
 */
export function settingsRead(root: string): SettingRead[] {
  const found = new Map<string, string>();
  const add = (name: string, file: string) => {
    if (settingName.test(name) && !found.has(name)) found.set(name, relative(root, file));
  };
  for (const file of [...sourceFiles(join(root, 'shared')), ...sourceFiles(join(root, 'functions'))]) {
    const source = readFileSync(file, 'utf8');
    if (/Settings\.ts$/.test(file)) for (const m of source.matchAll(/^\s+([A-Za-z][A-Za-z0-9_]*)\s*:\s*z\b/gm)) add(m[1] ?? '', file);
    for (const m of source.matchAll(/\benv(?:\[\s*['"]([A-Za-z][A-Za-z0-9_]*)['"]\s*\]|\.([A-Z][A-Z0-9_]*))/g)) add(m[1] ?? m[2] ?? '', file);
    for (const m of source.matchAll(/Setting\s*=\s*['"]([A-Za-z][A-Za-z0-9_]*)['"]/g)) add(m[1] ?? '', file);
  }
  return [...found.entries()].map(([name, file]) => ({ name, file })).sort((a, b) => a.name.localeCompare(b.name));
}
