/** Parses `INFO` / `CLUSTER INFO` text into a field map (section headers and blank lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** A numeric INFO field, undefined when absent or not a number. */
export function infoNumber(info: Record<string, string> | undefined, field: string): number | undefined {
  const raw = info?.[field];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** Keys and keys-with-TTL over every database of `INFO keyspace` (`db0:keys=3,expires=1,avg_ttl=0`). */
export function keyspaceTotals(info: Record<string, string> | undefined): { keys: number; expires: number } {
  let keys = 0;
  let expires = 0;
  for (const [field, value] of Object.entries(info ?? {})) {
    if (!/^db\d+$/.test(field)) continue;
    keys += Number(/keys=(\d+)/.exec(value)?.[1] ?? 0);
    expires += Number(/expires=(\d+)/.exec(value)?.[1] ?? 0);
  }
  return { keys, expires };
}
