import { literalPrefixOf } from './keyPatternMatcher';
import { scanJsonObject, type FieldRange } from './scanJsonObject';
import type { WarmMapping } from '../platform/registry/warmPlan';
import type { WarmRecordError } from './WarmCounts';
import type { ValueRecord } from './WarmWriter';
import { jsonErrorReason } from './sources/jsonErrorReason';

/** What a record mapper needs besides the mapping: the namespace's rules. */
export interface MappingContext {
  keyMatcher: { test(key: string): boolean };
  keyPattern: string;
  ttlSeconds: number | null;
  ttlJitterPercent: number;
  maxValueBytes: number;
  /** @default Math.random */
  random?: () => number;
}

export type MapResult = { ok: true; record: ValueRecord } | { ok: false; error: WarmRecordError };

/**
 * Compiles a mapping into a function from one source record (its bytes and line) to a key, value, TTL and
 * version. Every failure names the line and the reason; none throws. The returned record is only valid until the
 * next call (the hot path reuses it): hand it to a sink at once. The TTL is the namespace's, plus a random
 * 0..jitter % so warmed keys do not all expire in the same second.
 */
export function compileMapping(mapping: WarmMapping, ctx: MappingContext): (buf: Buffer, start: number, end: number, line: number) => MapResult {
  const parts = mapping.key.split(/(\{[^}]+\})/).filter((p) => p !== '');
  const template = parts.map((p) => (p.startsWith('{') && p.endsWith('}') ? { field: path(p.slice(1, -1)) } : { text: p }));
  const valuePath = mapping.value === null ? null : path(mapping.value);
  const versionPath = mapping.versionField ? path(mapping.versionField) : null;
  const random = ctx.random ?? Math.random;
  const baseTtlMs = ctx.ttlSeconds === null ? null : ctx.ttlSeconds * 1000;
  const jitter = ctx.ttlJitterPercent / 100;
  const fail = (line: number, code: string, message: string): MapResult => ({ ok: false, error: { line, code, message } });

  const slow = (text: string, line: number): MapResult => {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      return fail(line, 'malformed_record', `line ${line}: not valid JSON (${jsonErrorReason(error)})`);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail(line, 'malformed_record', `line ${line}: a record must be a JSON object`);
    let key = '';
    for (const part of template) {
      if ('text' in part) key += part.text;
      else {
        const v = get(doc, part.field);
        if (typeof v === 'string' ? v === '' : typeof v !== 'number') return fail(line, 'missing_key_field', `line ${line}: key field '${part.field.join('.')}' is missing or not a string/number`);
        key += String(v);
      }
    }
    if (!ctx.keyMatcher.test(key)) return fail(line, 'key_outside_namespace', `line ${line}: the key built from the template (${key.length} characters) does not match the namespace pattern '${ctx.keyPattern}'`);
    let value: string | Buffer;
    if (valuePath === null) value = text;
    else {
      const v = get(doc, valuePath);
      if (v === undefined || v === null) return fail(line, 'missing_value_field', `line ${line}: value field '${valuePath.join('.')}' is missing`);
      if (typeof v === 'string') value = mapping.valueEncoding === 'base64' ? Buffer.from(v, 'base64') : v;
      else value = JSON.stringify(v);
    }
    const size = typeof value === 'string' ? (value.length * 3 <= ctx.maxValueBytes ? value.length : Buffer.byteLength(value)) : value.length;
    if (size > ctx.maxValueBytes) return fail(line, 'value_too_large', `line ${line}: value of ${size} bytes exceeds maxValueBytes ${ctx.maxValueBytes}`);
    const record: ValueRecord = { key, value, ttlMs: baseTtlMs === null ? null : Math.round(baseTtlMs * (1 + random() * jitter)), line };
    if (versionPath) {
      const version = Number(get(doc, versionPath));
      if (!Number.isFinite(version)) return fail(line, 'missing_version', `line ${line}: version field '${versionPath.join('.')}' is missing or not a number`);
      record.version = version;
    }
    return { ok: true, record };
  };

  // The hot path draws the jitter from 1024 steps, so each TTL's decimal text is encoded once, not per key.
  const steps = baseTtlMs === null ? [] : Array.from({ length: 1025 }, (_, i) => Math.round(baseTtlMs * (1 + (i / 1024) * jitter)));
  const texts = steps.map(String);
  const fast = fastPath(mapping, template, ctx, (record) => {
    if (baseTtlMs === null) {
      record.ttlMs = null;
      record.ttlText = undefined;
      return;
    }
    const i = Math.floor(random() * 1025);
    record.ttlMs = steps[i] ?? baseTtlMs;
    record.ttlText = texts[i];
  });
  if (!fast) return (buf, start, end, line) => slow(buf.toString('utf8', start, end), line);
  return (buf, start, end, line) => fast(buf, start, end, line) ?? slow(buf.toString('utf8', start, end), line);
}

type TemplatePart = { text: string } | { field: string[] };

/**
 * The byte-level path for the common mapping (top-level fields, plain strings or integers in the key, a plain
 * string value or the whole record): no string per line, no object per record. Returns null for anything it does
 * not handle — including every error — and the caller falls back to JSON.parse, so results are identical.
 */
function fastPath(mapping: WarmMapping, template: TemplatePart[], ctx: MappingContext, setTtl: (record: ValueRecord) => void) {
  if (mapping.versionField || mapping.valueEncoding !== 'utf8') return null;
  if (mapping.value !== null && mapping.value.includes('.')) return null;
  if (template.some((p) => 'field' in p && p.field.length !== 1)) return null;
  const names = [...new Set([...template.flatMap((p) => ('field' in p ? p.field : [])), ...(mapping.value === null ? [] : [mapping.value])])];
  const wanted = names.map((n) => Buffer.from(n));
  const parts = template.map((p) => ('field' in p ? names.indexOf(p.field[0] as string) : p.text));
  const valueIndex = mapping.value === null ? -1 : names.indexOf(mapping.value);
  const ranges: (FieldRange | undefined)[] = new Array(names.length);
  // One record and one result object reused for every line: sinks copy what they need before the next call.
  const record: ValueRecord = { key: '', keyEnd: undefined, value: Buffer.alloc(0), valueStart: 0, valueEnd: 0, ttlMs: null, line: 0 };
  const result: MapResult = { ok: true, record };
  // Keys built as bytes into one reused buffer (no string per key) when every key is inside the namespace by
  // construction: the pattern is `prefix*` and the template starts with that prefix.
  const literal = literalPrefixOf(ctx.keyPattern);
  const first = parts[0];
  const byteKeys = literal !== null && typeof first === 'string' && first.startsWith(literal);
  const partBytes = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
  let keyBytes = Buffer.allocUnsafe(256);

  /** Key field `part` of the line: its range when usable on this path (ASCII string without escapes, plain integer). */
  const field = (buf: Buffer, part: number): FieldRange | null => {
    const r = ranges[part];
    if (!r || r.end === r.start) return null;
    if (r.kind === 's') return r.flags === 0 ? r : null;
    return r.kind === 'n' && plainInteger(buf, r.start, r.end) ? r : null;
  };
  const bytesKey = (buf: Buffer): number => {
    let at = 0;
    for (const part of partBytes) {
      let from = buf;
      let a = 0;
      let b: number;
      if (typeof part === 'number') {
        const r = field(buf, part);
        if (!r) return -1;
        a = r.start;
        b = r.end;
      } else {
        from = part;
        b = part.length;
      }
      if (at + b - a > keyBytes.length) {
        const bigger = Buffer.allocUnsafe(Math.max(keyBytes.length * 2, at + b - a));
        keyBytes.copy(bigger, 0, 0, at);
        keyBytes = bigger;
      }
      for (let i = a; i < b; i++) keyBytes[at++] = from[i] as number;
    }
    return at;
  };
  const stringKey = (buf: Buffer): string | null => {
    let key = '';
    for (const part of parts) {
      if (typeof part === 'string') key += part;
      else {
        const r = field(buf, part);
        if (!r) return null;
        key += buf.toString('latin1', r.start, r.end);
      }
    }
    return ctx.keyMatcher.test(key) ? key : null;
  };

  return (buf: Buffer, start: number, end: number, line: number): MapResult | null => {
    if (scanJsonObject(buf, start, end, wanted, ranges) !== 0) return null;
    let valueStart = start;
    let valueEnd = end;
    if (valueIndex >= 0) {
      const r = ranges[valueIndex];
      if (!r || r.kind !== 's' || (r.flags & 1) !== 0) return null;
      valueStart = r.start;
      valueEnd = r.end;
    }
    if (valueEnd - valueStart > ctx.maxValueBytes) return null;
    if (byteKeys) {
      const n = bytesKey(buf);
      if (n < 0) return null;
      record.key = keyBytes;
      record.keyEnd = n;
    } else {
      const key = stringKey(buf);
      if (key === null) return null;
      record.key = key;
      record.keyEnd = undefined;
    }
    record.value = buf;
    record.valueStart = valueStart;
    record.valueEnd = valueEnd;
    record.line = line;
    setTtl(record);
    return result;
  };
}

/** An integer whose text `String(Number(text))` gives back unchanged. */
function plainInteger(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  if (buf[i] === 0x2d) i++;
  if (end - i < 1 || end - i > 15) return false;
  if (buf[i] === 0x30 && end - i > 1) return false;
  if (buf[i] === 0x30 && i > start) return false; // -0
  for (let k = i; k < end; k++) if ((buf[k] as number) < 0x30 || (buf[k] as number) > 0x39) return false;
  return true;
}

function path(dotted: string): string[] {
  return dotted.split('.');
}

function get(doc: unknown, fields: string[]): unknown {
  if (fields.length === 1) return Object.hasOwn(doc as object, fields[0] as string) ? (doc as Record<string, unknown>)[fields[0] as string] : undefined;
  let v: unknown = doc;
  for (const f of fields) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, f)) return undefined;
    v = (v as Record<string, unknown>)[f];
  }
  return v;
}

/**
 * The version field as it appears in the *stored* value (what the version-compare script reads): the record's
 * `versionField` relative to the value field (`doc.version` with value `doc` → `version`), else its last segment.
 */
export function storedVersionField(mapping: WarmMapping | undefined): string {
  const field = mapping?.versionField ?? 'version';
  if (mapping?.value && field.startsWith(`${mapping.value}.`)) return field.slice(mapping.value.length + 1);
  return field.split('.').at(-1) ?? field;
}
