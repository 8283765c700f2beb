import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packKeys, unpackKeys } from '../../shared/platform/keyspace/packKeys';

/** The write-ahead's packed keys: any bytes, any length (Redis keys may be empty or binary), in order. */
describe('packKeys', () => {
  it('round-trips any list of keys, binary and empty ones included', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 50 }), (arrays) => {
        const keys = arrays.map((a) => Buffer.from(a));
        expect(unpackKeys(packKeys(keys)).map((k) => k.toString('hex'))).toEqual(keys.map((k) => k.toString('hex')));
      }),
    );
  });

  it('keeps long keys (multi-byte lengths) and is smaller than base64 per key for short ones', () => {
    const keys = [Buffer.alloc(0), Buffer.alloc(127, 1), Buffer.alloc(128, 2), Buffer.alloc(20_000, 3), Buffer.from('ns:123456')];
    expect(unpackKeys(packKeys(keys)).map((k) => k.length)).toEqual([0, 127, 128, 20_000, 9]);
    const short = Array.from({ length: 1000 }, (_, i) => Buffer.from(`ns:${100000 + i}`));
    expect(JSON.stringify(packKeys(short)).length).toBeLessThan(JSON.stringify(short.map((k) => k.toString('base64'))).length * 0.9);
  });

  it('refuses a truncated string', () => {
    const packed = Buffer.from(packKeys([Buffer.from('abcdef')]), 'base64');
    expect(() => unpackKeys(packed.subarray(0, 4).toString('base64'))).toThrow(/truncated/);
  });
});
