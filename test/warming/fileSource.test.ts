import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('a missing file is a source error naming it', async () => {
    await expect(fileSource(join(dir, 'nope.ndjson'), 'ndjson').open({ offset: 0, line: 0 })).rejects.toThrow(/nope\.ndjson: ENOENT/);
  });
});
