import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { keyPatternMatcher } from '../../shared/warming/keyPatternMatcher';
import { keySlotOf, keySlotOfRange } from '../../shared/warming/keySlotOf';
import { compileMapping, type MapResult } from '../../shared/warming/mapRecord';
import { warmMappingSchema } from '../../shared/platform/registry/warmPlan';

const ctx = { keyMatcher: keyPatternMatcher('user:*'), keyPattern: 'user:*', ttlSeconds: 100, ttlJitterPercent: 0, maxValueBytes: 40 };
const mapping = warmMappingSchema.parse({ key: 'user:{id}', value: 'value' });
const whole = warmMappingSchema.parse({ key: 'user:{id}', value: null });
function reference(text: string, valueField: string | null): { key: string; value: string } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const d = doc as Record<string, unknown>;
  const id = Object.hasOwn(d, 'id') ? d['id'] : undefined;
  if (!(typeof id === 'string' ? id !== '' : typeof id === 'number')) return null;
  const key = `user:${String(id)}`;
  let value: string;
  if (valueField === null) value = text;
  else {
    const v = Object.hasOwn(d, valueField) ? d[valueField] : undefined;
    if (v === undefined || v === null) return null;
    value = typeof v === 'string' ? v : JSON.stringify(v);
  }
  if (Buffer.byteLength(value) > ctx.maxValueBytes) return null;
  return { key, value };
}

function valueOf(result: MapResult): { key: string; value: string } | null {
  if (!result.ok) return null;
  const r = result.record;
  const v = typeof r.value === 'string' ? r.value : r.value.toString('utf8', r.valueStart ?? 0, r.valueEnd ?? r.value.length);
  return { key: typeof r.key === 'string' ? r.key : r.key.toString('utf8', 0, r.keyEnd ?? r.key.length), value: v };
}

const jsonish = fc.oneof(
  fc.json(),
  fc.record({ id: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(''), fc.constant(-0)), value: fc.oneof(fc.string(), fc.jsonValue()) }).map((o) => JSON.stringify(o)),
  fc.record({ id: fc.string(), value: fc.string() }).map((o) => JSON.stringify(o, null, 1)),
  fc.string().map((s) => `{"id":"a","value":"${s}"}`), // raw, possibly invalid escapes or control characters
  fc.string().map((s) => `{"id":${s},"value":"v"}`),
);

describe('record mapping', () => {
  it('the byte-level fast path gives what JSON.parse gives, for any line', () => {
    const map = compileMapping(mapping, ctx);
    const mapWhole = compileMapping(whole, ctx);
    fc.assert(
      fc.property(jsonish, (text) => {
        const buf = Buffer.from(`xx${text}yy`);
        expect(valueOf(map(buf, 2, buf.length - 2, 1))).toEqual(reference(text, 'value'));
        expect(valueOf(mapWhole(buf, 2, buf.length - 2, 1))).toEqual(reference(text, null));
      }),
      { numRuns: 3000 },
    );
  });

  it('names the line and the reason of every failure', () => {
    const map = compileMapping(mapping, ctx);
    const line = (text: string) => {
      const r = map(Buffer.from(text), 0, Buffer.byteLength(text), 7);
      return r.ok ? 'ok' : `${r.error.code}: ${r.error.message}`;
    };
    expect(line('{"id":1,')).toMatch(/^malformed_record: line 7: not valid JSON/);
    expect(line('[1]')).toBe('malformed_record: line 7: a record must be a JSON object');
    expect(line('{"value":"x"}')).toBe("missing_key_field: line 7: key field 'id' is missing or not a string/number");
    expect(line('{"id":"a"}')).toBe("missing_value_field: line 7: value field 'value' is missing");
    expect(line(`{"id":"a","value":"${'x'.repeat(41)}"}`)).toBe('value_too_large: line 7: value of 41 bytes exceeds maxValueBytes 40');
  });

  it('keeps keys inside the namespace pattern', () => {
    const map = compileMapping(warmMappingSchema.parse({ key: '{id}' }), ctx);
    const text = Buffer.from('{"id":"order:1","value":"v"}');
    const r = map(text, 0, text.length, 3);
    expect(r.ok ? 'ok' : r.error.code).toBe('key_outside_namespace');
  });
});

describe('key slots on the hot path', () => {
  it('keySlotOf(string) equals keySlot(bytes) for any key, hash tags and non-ASCII included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.tuple(fc.string(), fc.string(), fc.string()).map(([a, b, c]) => `${a}{${b}}${c}`)), (key) => {
        expect(keySlotOf(key)).toBe(keySlot(Buffer.from(key)));
        // The same key inside a reused buffer, with bytes after it (a `}` of a longer earlier key must not count).
        const bytes = Buffer.concat([Buffer.from(key), Buffer.from('}{x}')]);
        expect(keySlotOfRange(bytes, 0, Buffer.byteLength(key))).toBe(keySlot(Buffer.from(key)));
      }),
      { numRuns: 2000 },
    );
  });
});
