import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileSource } from '../../shared/warming/sources/fileSource';
import { jsonArrayElements } from '../../shared/warming/sources/jsonArrayElements';
import { ndjsonLines } from '../../shared/warming/sources/ndjsonLines';
import type { TextPosition } from '../../shared/warming/sources/SourcePosition';

const dir = mkdtempSync(join(tmpdir(), 'rcm-file-source-'));
// ~1.3 MB of records of uneven length, so records straddle the reader's 256 KiB chunks (whose buffers are reused).
const records = Array.from({ length: 9000 }, (_, i) => JSON.stringify({ id: `k${i}`, value: 'x'.repeat((i * 37) % 251), n: i }));

async function ndjson(path: string, from: TextPosition): Promise<{ texts: string[]; lines: number[] }> {
  const stream = await fileSource(path, 'ndjson').open(from);
  const texts: string[] = [];
  const lines: number[] = [];
  for await (const batch of ndjsonLines(stream, from, 64 * 1024)) {
    for (const l of batch.lines) {
      texts.push(l.buf.toString('utf8', l.start, l.end));
      lines.push(l.line);
    }
  }
  return { texts, lines };
}

describe('file source', () => {
  it('reads every NDJSON record intact across chunk boundaries, and resumes from an offset with the right line numbers', async () => {
    const path = join(dir, 'records.ndjson');
    writeFileSync(path, records.join('\n') + '\n');
    const all = await ndjson(path, { offset: 0, line: 0 });
    expect(all.texts).toEqual(records);
    expect(all.lines).toEqual(records.map((_, i) => i + 1));
    const offset = Buffer.byteLength(records.slice(0, 4321).join('\n') + '\n');
    const rest = await ndjson(path, { offset, line: 4321 });
    expect(rest.texts).toEqual(records.slice(4321));
    expect(rest.lines[0]).toBe(4322);
  });

  it('splits NDJSON the same whatever the chunking and batch size (CRLF, blank and too-long lines), each batch position resuming exactly', async () => {
    const lineArb = fc.oneof(fc.string({ maxLength: 30 }).map((t) => t.replace(/[\r\n]/g, '')), fc.constant(''), fc.constant('y'.repeat(45)), fc.constant(' '.repeat(70) + '{"a":1}'));
    /** Every record from `from` on, read through `cuts`-sized chunks: lines and too-long lines by number, and the batch positions. */
    const read = async (bytes: Buffer, cuts: number[], from: TextPosition, maxBatchLines?: number) => {
      const chunks: Buffer[] = [];
      for (let at = from.offset, i = 0; at < bytes.length; i++) {
        const n = cuts[i % cuts.length] as number;
        chunks.push(Buffer.from(bytes.subarray(at, at + n)));
        at += n;
      }
      const got: [number, string][] = [];
      const tooLong: number[] = [];
      const positions: TextPosition[] = [];
      for await (const batch of ndjsonLines((async function* () { yield* chunks; })(), from, 40, maxBatchLines)) {
        // A chunk with more records than a batch holds is split: never more than maxBatchLines per batch.
        if (maxBatchLines !== undefined) expect(batch.lines.length + batch.tooLong.length).toBeLessThanOrEqual(maxBatchLines);
        for (const l of batch.lines) got.push([l.line, l.buf.toString('utf8', l.start, l.end)]);
        tooLong.push(...batch.tooLong);
        positions.push(batch.position);
      }
      return { got, tooLong, positions };
    };
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 20 }), fc.boolean(), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), async (texts, cuts, crlf, maxBatchLines) => {
        const text = texts.map((t) => t + (crlf ? '\r\n' : '\n')).join('');
        const bytes = Buffer.from(text);
        const { got, tooLong, positions } = await read(bytes, cuts, { offset: 0, line: 0 }, maxBatchLines);
        const expected = texts.map((t, i) => [i + 1, t] as [number, string]).filter(([, t]) => t !== '' && Buffer.byteLength(t) <= 40);
        expect(got).toEqual(expected);
        expect(tooLong).toEqual(texts.flatMap((t, i) => (Buffer.byteLength(t) > 40 ? [i + 1] : [])));
        for (const p of positions) {
          // Every position is the end of a line, also inside a too-long line: the bytes before it are exactly `line` lines.
          const before = bytes.subarray(0, p.offset).toString();
          expect(before === '' || before.endsWith('\n')).toBe(true);
          expect(before.split('\n').length - 1).toBe(p.line);
          // A resume from it (other chunk cuts) reads exactly the rest: each record once, no tail of a skipped line.
          const rest = await read(bytes, [...cuts].reverse(), p, maxBatchLines);
          expect(rest.got).toEqual(got.filter(([n]) => n > p.line));
          expect(rest.tooLong).toEqual(tooLong.filter((n) => n > p.line));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads every element of a JSON array file intact across chunk boundaries', async () => {
    const path = join(dir, 'records.json');
    writeFileSync(path, `[\n${records.join(',\n')}\n]`);
    const from = { offset: 0, line: 0 };
    const texts: string[] = [];
    for await (const batch of jsonArrayElements(await fileSource(path, 'json-array').open(from), from, 64 * 1024)) {
      for (const l of batch.lines) texts.push(l.buf.toString('utf8', l.start, l.end));
    }
    expect(texts).toEqual(records);
  });

  it('JSON array: an element over the limit is reported once, and every position resumes after a whole element', async () => {
    const elementArb = fc.oneof(fc.integer().map(String), fc.string({ maxLength: 20 }).map((t) => JSON.stringify({ t })), fc.constant(JSON.stringify({ pad: 'z'.repeat(60) })));
    const read = async (bytes: Buffer, cut: number, from: TextPosition) => {
      const chunks: Buffer[] = [];
      for (let at = from.offset; at < bytes.length; at += cut) chunks.push(Buffer.from(bytes.subarray(at, at + cut)));
      const got: [number, string][] = [];
      const tooLong: number[] = [];
      // Each position with how many records (read, skipped) came before it.
      const positions: { p: TextPosition; got: number; tooLong: number }[] = [];
      for await (const batch of jsonArrayElements((async function* () { yield* chunks; })(), from, 40)) {
        for (const l of batch.lines) got.push([l.line, l.buf.toString('utf8', l.start, l.end)]);
        tooLong.push(...batch.tooLong);
        positions.push({ p: batch.position, got: got.length, tooLong: tooLong.length });
      }
      return { got, tooLong, positions };
    };
    await fc.assert(
      fc.asyncProperty(fc.array(elementArb, { maxLength: 30 }), fc.integer({ min: 1, max: 50 }), async (elements, cut) => {
        const bytes = Buffer.from('[\n' + elements.join(',\n') + '\n]\n');
        const { got, tooLong, positions } = await read(bytes, cut, { offset: 0, line: 0 });
        expect(got).toEqual(elements.map((e, i) => [i + 2, e] as [number, string]).filter(([, e]) => Buffer.byteLength(e) <= 40));
        expect(tooLong).toEqual(elements.flatMap((e, i) => (Buffer.byteLength(e) > 40 ? [i + 2] : [])));
        for (const at of positions) {
          // A resume from it (other chunk cuts) reads exactly the records after those: each once, with its line.
          const rest = await read(bytes, cut + 7, at.p);
          expect(rest.got).toEqual(got.slice(at.got));
          expect(rest.tooLong).toEqual(tooLong.slice(at.tooLong));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a missing file is a source error naming it', async () => {
    await expect(fileSource(join(dir, 'nope.ndjson'), 'ndjson').open({ offset: 0, line: 0 })).rejects.toThrow(/nope\.ndjson: ENOENT/);
  });
});
