import type { LineBatch, SourceLine, TextPosition } from './SourcePosition';

/**
 * Splits an NDJSON byte stream into lines, one batch per stream chunk. Memory is bounded by the chunk size plus
 * one record: a line longer than `maxLineBytes` is skipped up to its newline instead of buffered, and reported
 * (in `tooLong`) in the batch that reaches its end. `from` is where the stream starts (the stream itself must
 * already start at `from.offset`). Every batch position is a line boundary: inside a skipped line it stays at the
 * line's start, so a resume from it skips (and reports) that line once, never reads its tail as a record. Blank
 * lines are skipped; a final line without a newline counts once the stream ends. A batch holds at most `maxBatchLines`
 * records: a stream chunk with more (a network stream hands over everything it buffered at once) is split, so the
 * engine's rate limit and time checks, which run between batches, never wait behind an unbounded batch.
 */
export async function* ndjsonLines(stream: AsyncIterable<Buffer>, from: TextPosition, maxLineBytes: number, maxBatchLines = 1000): AsyncGenerator<LineBatch> {
  let carry: Buffer | null = null;
  let skipping = false;
  let skipped = 0; // bytes of the line being skipped that came in earlier chunks (the line starts at `offset`)
  let offset = from.offset; // offset of the first byte of `carry` or of the skipped line (else of the next chunk)
  let line = from.line;
  for await (const raw of stream) {
    let lines: SourceLine[] = [];
    let tooLong: number[] = [];
    /** The lines of `buf` from `start` on, until the batch is full; returns the index after the last newline taken (`start` when none). */
    const scan = (buf: Buffer, start: number): number => {
      for (;;) {
        if (lines.length + tooLong.length >= maxBatchLines) return start;
        const nl = buf.indexOf(10, start);
        if (nl < 0) return start;
        line += 1;
        if (skipping) {
          skipping = false;
          tooLong.push(line);
        } else {
          let end = nl;
          if (end > start && buf[end - 1] === 13) end -= 1;
          if (end - start > maxLineBytes) tooLong.push(line);
          else if (end > start) lines.push({ buf, start, end, line });
        }
        start = nl + 1;
      }
    };
    let chunk: Buffer = raw;
    let begin = 0;
    let consumed = 0;
    if (carry) {
      const nl = raw.indexOf(10);
      if (nl < 0) chunk = Buffer.concat([carry, raw]); // still inside the carried line
      else {
        // Only the line that straddles the two chunks is copied, not the whole chunk.
        const joined = Buffer.concat([carry, raw.subarray(0, nl + 1)]);
        scan(joined, 0);
        consumed = joined.length;
        begin = nl + 1;
      }
      carry = null;
    }
    let start = scan(chunk, begin);
    consumed += start - begin;
    // A full batch with more of the chunk to go: hand it over at this line boundary, then go on.
    while (lines.length + tooLong.length >= maxBatchLines) {
      offset += skipped + consumed;
      skipped = 0;
      yield { lines, tooLong, position: { offset, line } };
      lines = [];
      tooLong = [];
      const at = start;
      start = scan(chunk, at);
      consumed = start - at;
    }
    if (consumed > 0) {
      offset += skipped + consumed; // a skipped line that ended here is behind the position now
      skipped = 0;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      // Too long to buffer: drop its bytes, but keep the position at its start until its end is seen.
      if (skipping || rest > maxLineBytes) {
        skipping = true;
        skipped += rest;
      } else carry = chunk.subarray(start);
    }
    if (lines.length > 0 || tooLong.length > 0 || consumed > 0) yield { lines, tooLong, position: { offset, line } };
  }
  if (skipping) {
    line += 1;
    yield { lines: [], tooLong: [line], position: { offset: offset + skipped, line } };
  } else if (carry && carry.length > 0) {
    line += 1;
    let end = carry.length;
    if (carry[end - 1] === 13) end -= 1;
    yield { lines: end > 0 ? [{ buf: carry, start: 0, end, line }] : [], tooLong: [], position: { offset: offset + carry.length, line } };
  }
}
