/** A metric family of the Prometheus text format (version 0.0.4). */
export interface MetricFamily {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
}

/** Label values escape `\`, `"` and newlines; nothing else needs it. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{a="1",b="2"}`, or '' without labels. */
export function labelSet(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * Builds an exposition: samples are grouped under their family's `# HELP` / `# TYPE` (the format requires one
 * contiguous group per family), families in the order first declared. Unknown (null) values are left out, never
 * written as 0: a gap is not a zero.
 */
export class Exposition {
  private readonly families = new Map<string, { family: MetricFamily; lines: string[] }>();

  add(family: MetricFamily, labels: string, value: number | null | undefined): void {
    if (value === null || value === undefined) return;
    let entry = this.families.get(family.name);
    if (!entry) {
      entry = { family, lines: [] };
      this.families.set(family.name, entry);
    }
    entry.lines.push(`${family.name}${labels} ${formatValue(value)}`);
  }

  /** Declares a family so it is listed (HELP/TYPE) even with no sample this scrape. */
  declare(family: MetricFamily): void {
    if (!this.families.has(family.name)) this.families.set(family.name, { family, lines: [] });
  }

  toString(): string {
    const out: string[] = [];
    for (const { family, lines } of this.families.values()) {
      out.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${family.name} ${family.type}`, ...lines);
    }
    return `${out.join('\n')}\n`;
  }
}
