/** One series of a parsed exposition. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format, as a scraper would read it: every sample belongs to a family
 * declared by `# TYPE` before it, families are contiguous, no series appears twice, label values unescaped.
 * Throws naming the line on anything else, so a malformed exposition fails the test.
 */
export function parseExposition(text: string): { series: Series[]; types: Map<string, string> } {
  const series: Series[] = [];
  const types = new Map<string, string>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current = '';
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram|summary|untyped)$/.exec(line);
    if (type) {
      const name = type[1] as string;
      if (types.has(name)) throw new Error(`line ${i + 1}: family ${name} declared twice`);
      if (current) closed.add(current);
      types.set(name, type[2] as string);
      current = name;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not a sample: ${line}`);
    const name = m[1] as string;
    if (name !== current) throw new Error(`line ${i + 1}: ${name} outside its family (current ${current || 'none'})${closed.has(name) ? ', family not contiguous' : ''}`);
    const labels: Record<string, string> = {};
    const body = m[3] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let pos = 0;
    while (pos < body.length) {
      re.lastIndex = pos;
      const l = re.exec(body);
      if (!l) throw new Error(`line ${i + 1}: bad labels: ${body}`);
      labels[l[1] as string] = (l[2] as string).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      pos = re.lastIndex;
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${i + 1}: duplicate series ${name}${m[2] ?? ''}`);
    seen.add(key);
    const value = Number(m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : m[4]);
    if (Number.isNaN(value) && m[4] !== 'NaN') throw new Error(`line ${i + 1}: bad value ${m[4]}`);
    series.push({ name, labels, value });
  }
  return { series, types };
}

/** A Grafana-style instant selector: `name{label="value", …}` (equality matchers), as PromQL would pick series. */
export function select(series: readonly Series[], name: string, matchers: Record<string, string> = {}): Series[] {
  return series.filter((s) => s.name === name && Object.entries(matchers).every(([k, v]) => s.labels[k] === v));
}
