import { scenarios } from './scenarios';

/**
 * `npm run bench` runs every scenario; `npm run bench -- <scenario> [...]` runs the named ones.
 * Each writes bench/results/<scenario>.json and prints a one-line summary.
 */
async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in scenarios));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  for (const [name, run] of Object.entries(scenarios)) {
    if (wanted.length && !wanted.includes(name)) continue;
    await run();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
