import type { OptionSpec } from './Command';

/** Help lines for options: `  -p, --profile <name>   text`, aligned. */
export function formatOptions(options: Record<string, OptionSpec>): string {
  const left = Object.entries(options).map(([name, o]) => `  ${o.short ? `-${o.short}, ` : '    '}--${name}${o.valueName ? ` ${o.valueName}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 3;
  return Object.values(options)
    .map((o, i) => `${(left[i] ?? '').padEnd(width)}${o.description}`)
    .join('\n');
}
