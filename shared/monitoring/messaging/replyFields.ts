/** A flat `[name, value, name, value, …]` reply (XINFO, CLIENT INFO style) as a map. */
export function replyFields(reply: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (!Array.isArray(reply)) return fields;
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  return fields;
}

/** A numeric field, or null when absent / nil. */
export function numberField(fields: Map<string, unknown>, name: string): number | null {
  const value = fields.get(name);
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Key as text for reports: UTF-8 when it round-trips, else `b64:<base64>`. */
export function keyText(key: Buffer): string {
  const text = key.toString('utf8');
  return Buffer.from(text, 'utf8').equals(key) ? text : `b64:${key.toString('base64')}`;
}

/** The inverse of `keyText`. */
export function keyBytes(text: string): Buffer {
  return text.startsWith('b64:') ? Buffer.from(text.slice(4), 'base64') : Buffer.from(text, 'utf8');
}

/** Stream ids compare as two 64-bit parts, `ms-seq`. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}
