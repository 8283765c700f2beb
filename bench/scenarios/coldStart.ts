import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median, report } from '../benchResult';

/** Fresh processes per side; the median resists the odd slow start on a busy 2-core machine. @default 9 */
const runs = Number(process.env.BENCH_COLD_START_RUNS ?? 9);

interface ChildResult {
  ms: number;
  functions: number;
  files?: number;
}

function once(mode: 'app' | 'library'): ChildResult {
  const out = execFileSync(process.execPath, [join(__dirname, 'coldStartChild.js'), mode], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
}

/**
 * Cold start: time to import the compiled function app with every function registered, beside the time to
 * import `@azure/functions` alone (the floor any v4 app pays). Interleaved so drift hits both sides alike.
 */
export async function coldStart(): Promise<void> {
  const app: ChildResult[] = [];
  const library: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    app.push(once('app'));
    library.push(once('library'));
  }
  const ours = median(app.map((r) => r.ms));
  const peer = median(library.map((r) => r.ms));
  report({
    scenario: 'coldStart',
    what: `import dist/functions/*.js with every function registered (median of ${runs} fresh processes)`,
    ours,
    peer,
    peerName: '@azure/functions alone',
    unit: 'ms',
    ratio: peer / ours,
    details: {
      functionsRegistered: app[0]?.functions,
      entryFiles: app[0]?.files,
      appMs: app.map((r) => Math.round(r.ms * 10) / 10),
      libraryMs: library.map((r) => Math.round(r.ms * 10) / 10),
      overheadOverLibraryMs: Math.round((ours - peer) * 10) / 10,
    },
  });
}
