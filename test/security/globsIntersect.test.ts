import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globIntersection, globsIntersect } from '../../shared/platform/keyspace/globsIntersect';
import { globMatch } from '../../shared/platform/keyspace/redisGlob';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const matches = (pattern: string, key: Uint8Array | string) => globMatch(bytes(pattern), typeof key === 'string' ? bytes(key) : key);

/** Any glob over a small alphabet, glob syntax included (classes, ranges, negation, escapes, unterminated brackets). */
const anyGlob = fc.array(fc.constantFrom('a', 'b', ':', '*', '?', '[', ']', '^', '-', '\\'), { maxLength: 12 }).map((c) => c.join(''));
const anyKey = fc.array(fc.constantFrom('a', 'b', ':', '-', '^', '[', ']', '\\'), { maxLength: 10 }).map((c) => c.join(''));

/** A glob built to match `key`: each character kept, escaped, replaced by `?` or a class holding it, or runs folded into `*`. */
function globMatching(key: string): fc.Arbitrary<string> {
  return fc.array(fc.nat(5), { minLength: key.length + 1, maxLength: key.length + 1 }).map((choices) => {
    let out = '';
    for (let i = 0; i < key.length; i++) {
      const c = key[i] as string;
      const choice = choices[i] ?? 0;
      if (choice === 0) out += /[*?[\\\]^-]/.test(c) ? `\\${c}` : c;
      else if (choice === 1) out += '?';
      else if (choice === 2) out += '*';
      else if (choice === 3) out += `[${c === ']' || c === '\\' || c === '^' || c === '-' ? `\\${c}` : c}x]`;
      else if (choice === 4) out += c === 'z' ? '?' : '[^z]';
      else out += `\\${c}`;
    }
    return choices[key.length] === 2 ? `${out}*` : out;
  });
}

describe('globsIntersect: two Redis globs share a key exactly when it says so (checked against the matcher)', () => {
  it('any witness it gives is matched by both globs', () => {
    fc.assert(
      fc.property(anyGlob, anyGlob, (a, b) => {
        const witness = globIntersection(a, b);
        if (witness !== null) expect([matches(a, witness), matches(b, witness)]).toEqual([true, true]);
      }),
      { numRuns: 3000 },
    );
  });

  it('when some key matches both globs, it never claims they are disjoint', () => {
    fc.assert(
      fc.property(
        anyKey.chain((key) => fc.tuple(fc.constant(key), globMatching(key), globMatching(key))),
        ([key, a, b]) => {
          expect([matches(a, key), matches(b, key)]).toEqual([true, true]); // the generator's own promise
          expect(globsIntersect(a, b)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('when it says disjoint, no key of a random sample matches both', () => {
    fc.assert(
      fc.property(anyGlob, anyGlob, fc.array(anyKey, { minLength: 30, maxLength: 30 }), (a, b, keys) => {
        if (globsIntersect(a, b)) return;
        for (const key of keys) expect(matches(a, key) && matches(b, key)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['app:p:*', 'app:p:*', true],
    ['app*', 'app:p:*', true], // one literal character more than nothing: still reaches the protected keys
    ['*', 'app:p:*', true],
    ['app:p:[0-9]*', 'app:p:x*', false],
    ['user:*', 'order:*', false],
    ['user:?', 'user:ab', false],
    ['*:session', 'app:*', true],
    ['[^a]*', 'a*', false],
    ['a\\*', 'a?', true],
    ['a\\*', 'ab', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
  });

  it('stays fast for the longest patterns a policy may hold (256 characters, many stars)', () => {
    const a = 'a*'.repeat(128);
    const b = '*b'.repeat(128);
    const started = performance.now();
    expect(globsIntersect(a, b)).toBe(true);
    expect(globsIntersect(`x${'?*'.repeat(127)}`, `y${'*?'.repeat(127)}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
