import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globsIntersect } from '../../shared/platform/keyspace/globsIntersect';
import { globElementEnd, globMatch, globMatcher, stringMatchLen } from '../../shared/platform/keyspace/redisGlob';
import { useOwnRedis } from '../helpers/redis';

/**
 * The glob matcher against the real server: whatever SCAN MATCH returns is what globMatch says, for random patterns
 * (weighted to the characters the dialect gives meaning to) over random binary keys, the empty key included. An own
 * redis-server, so FLUSHDB between samples touches nothing shared.
 */
const own = useOwnRedis();
let redis: Redis;

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: own.server.port, lazyConnect: false });
});
afterAll(async () => {
  await redis?.quit();
});

/** Keys SCAN 0 MATCH `pattern` COUNT 10000 returns (all of them: the db holds a few dozen), as hex. */
async function scanMatch(pattern: Buffer): Promise<Set<string>> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = (await redis.callBuffer('SCAN', cursor, 'MATCH', pattern, 'COUNT', '10000')) as [Buffer, Buffer[]];
    for (const k of keys) found.add(k.toString('hex'));
    cursor = next.toString();
  } while (cursor !== '0');
  return found;
}

async function serverMatches(pattern: Buffer, keys: readonly Buffer[]): Promise<Set<string>> {
  await redis.flushdb();
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.set(key, '1');
  await pipeline.exec();
  return scanMatch(pattern);
}

const special = [0x2a, 0x3f, 0x5b, 0x5d, 0x5e, 0x2d, 0x5c]; // * ? [ ] ^ - \
const plain = [0x61, 0x62, 0x63, 0x7a, 0x00, 0x7f, 0x80, 0xc3, 0xa9, 0xff];
const patternByte = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...special) }, { weight: 3, arbitrary: fc.constantFrom(...plain) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) });
const keyByte = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...plain, 0x2d, 0x5d, 0x5e, 0x5c, 0x2a) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) });
const patterns = fc.array(patternByte, { minLength: 0, maxLength: 12 }).map((b) => Buffer.from(b));
const keySets = fc.uniqueArray(fc.array(keyByte, { minLength: 0, maxLength: 7 }).map((b) => Buffer.from(b)), { minLength: 1, maxLength: 24, selector: (k) => k.toString('hex') });

describe('globMatch == SCAN MATCH on a real redis-server', () => {
  it('agrees on random patterns x random binary keys', async () => {
    let matchedSomething = 0;
    await fc.assert(
      fc.asyncProperty(patterns, keySets, async (pattern, random) => {
        // Keys made from the pattern itself (stars dropped, then every special byte dropped) so many runs match.
        const noStars = Buffer.from(pattern.filter((b) => b !== 0x2a));
        const noSpecials = Buffer.from(pattern.filter((b) => !special.includes(b)));
        const keys = [...new Map([...random, noStars, noSpecials, Buffer.concat([noSpecials, Buffer.from('a')])].map((k) => [k.toString('hex'), k])).values()];
        const server = await serverMatches(pattern, keys);
        const ours = new Set(keys.filter((k) => globMatch(pattern, k)).map((k) => k.toString('hex')));
        if (ours.size > 0) matchedSomething++;
        expect([...ours].sort()).toEqual([...server].sort());
        const compiled = globMatcher(pattern);
        expect(keys.filter((k) => compiled(k)).length).toBe(ours.size);
      }),
      { numRuns: 1000 },
    );
    // A property that never sees a match proves little: most runs here match at least one key.
    expect(matchedSomething).toBeGreaterThan(400);
  }, 120_000);

  it.each([
    ['reversed range', 'key[z-a]', ['keym', 'keyA', 'key-'], ['keym']],
    ['negated class', 'key[^a-c]', ['keya', 'keyd', 'key'], ['keyd']],
    ['escapes in and outside classes', 'a\\*[\\]]', ['a*]', 'ab]', 'a*\\'], ['a*]']],
    ['`[a-]` takes ] as the range end and the class runs on', '[a-]x]', [']', '_', 'a', 'x', 'b', 'x]'], [']', '_', 'a', 'x']],
    ['unterminated class', 'ab[cd', ['abc', 'abd', 'ab[', 'abcd'], ['abc', 'abd']],
    ['`[^` at the end matches one byte', 'a[^', ['ab', 'a', 'abc'], ['ab']],
    ['a trailing backslash is literal', 'a\\', ['a\\', 'a'], ['a\\']],
    ['? is one byte, not one character', 'caf?', ['café', 'cafe'], ['cafe']],
    ['?? is a two-byte é', 'caf??', ['café', 'cafe'], ['café']],
    ['trailing stars after the end of the key', 'ab***', ['ab', 'abc', 'a'], ['ab', 'abc']],
  ])('%s: %s', async (_what, pattern, keys, expected) => {
    const server = await serverMatches(Buffer.from(pattern), keys.map((k) => Buffer.from(k)));
    expect([...server].map((h) => Buffer.from(h, 'hex').toString()).sort()).toEqual([...expected].sort());
    expect(keys.filter((k) => globMatch(pattern, k)).sort()).toEqual([...expected].sort());
  });

  it('range bounds are C chars: [a-\\xff] holds 0x00-0x61 and 0xff, not 0x62-0xfe (signed on x86-64)', async () => {
    const pattern = Buffer.from([0x5b, 0x61, 0x2d, 0xff, 0x5d]);
    const keys = [0x00, 0x41, 0x61, 0x62, 0x7f, 0x80, 0xfe, 0xff].map((b) => Buffer.from([b]));
    const server = await serverMatches(pattern, keys);
    expect([...server].sort()).toEqual(['00', '41', '61', 'ff']);
    expect(keys.filter((k) => globMatch(pattern, k)).map((k) => k.toString('hex')).sort()).toEqual(['00', '41', '61', 'ff']);
  });

  it('the empty key: only `*` (SCAN returns every key) and the empty pattern match it, `**` does not', async () => {
    const keys = [Buffer.alloc(0), Buffer.from('x')];
    for (const [pattern, expected] of [['*', ['', '78']], ['', ['']], ['**', ['78']], ['?', ['78']]] as const) {
      expect([pattern, [...(await serverMatches(Buffer.from(pattern), keys))].sort()]).toEqual([pattern, [...expected].sort()]);
      expect([pattern, keys.filter((k) => globMatch(pattern, k)).map((k) => k.toString('hex')).sort()]).toEqual([pattern, [...expected].sort()]);
    }
    expect(stringMatchLen(Buffer.from('*'), Buffer.alloc(0))).toBe(false); // the bare function, as in util.c
  });
});

describe('globElementEnd splits a pattern the way the matcher consumes it', () => {
  it('a star-free pattern matches exactly the keys whose bytes match its elements one by one', () => {
    const starFree = patterns.map((p) => Buffer.from(p.filter((b) => b !== 0x2a)));
    fc.assert(
      fc.property(starFree, fc.array(keyByte, { maxLength: 8 }), (pattern, keyBytes) => {
        const key = Buffer.from(keyBytes);
        const elements: Buffer[] = [];
        for (let i = 0; i < pattern.length; i = globElementEnd(pattern, i)) elements.push(pattern.subarray(i, globElementEnd(pattern, i)));
        const byElement = elements.length === key.length && elements.every((e, i) => stringMatchLen(e, key.subarray(i, i + 1)));
        expect(stringMatchLen(pattern, key)).toBe(byElement);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('glob intersection reads patterns with the same element boundaries', () => {
  it('sees that [a-]x] (one byte: ]..a or x) and x overlap, and that ** and the empty pattern do not', () => {
    expect(globMatch('[a-]x]', 'x')).toBe(true);
    expect(globsIntersect('[a-]x]', 'x')).toBe(true);
    expect(globsIntersect('**', '')).toBe(false);
    expect(globsIntersect('*', '')).toBe(true);
  });
});
