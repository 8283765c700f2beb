import type { LineBatch, SourceLine, TextPosition } from './SourcePosition';

/** Thrown when the bytes are not a JSON array of values at all (as opposed to one malformed element). */
export class JsonArrayFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonArrayFormatError';
  }
}

const WS = new Uint8Array(256);
for (const c of [9, 10, 13, 32]) WS[c] = 1;

/**
 * Streams the elements of a top-level JSON array without parsing the whole document: a byte scanner tracks
 * strings, escapes and nesting and cuts the text of each element; the caller `JSON.parse`s one element at a time.
 * Positions are byte offsets just after an element, so a resume (`from.offset > 0`) starts inside the array.
 * An element over `maxElementBytes` is skipped (reported by the line it starts on), never buffered whole.
 */
export async function* jsonArrayElements(stream: AsyncIterable<Buffer>, from: TextPosition, maxElementBytes: number): AsyncGenerator<LineBatch> {
  let state: 'before' | 'between' | 'element' | 'done' = from.offset === 0 ? 'before' : 'between';
  let line = from.line + 1; // line of the byte being scanned
  let offset = from.offset; // absolute offset of chunk[0]
  let parts: Buffer[] = [];
  let partBytes = 0;
  let elementLine = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let oversized = false;
  let lastEnd: TextPosition = { ...from };

  for await (const chunk of stream) {
    const lines: SourceLine[] = [];
    const tooLong: number[] = [];
    let elementStart = state === 'element' ? 0 : -1;
    const finish = (endIndex: number) => {
      // Judged on the whole element, not only on the part carried from earlier chunks: the same element is skipped
      // (or not) whatever the chunking, so a resumed read decides as the first one did.
      if (!oversized && partBytes + endIndex - elementStart <= maxElementBytes) {
        parts.push(chunk.subarray(elementStart, endIndex));
        const element = Buffer.concat(parts);
        lines.push({ buf: element, start: 0, end: element.length, line: elementLine });
      } else tooLong.push(elementLine);
      parts = [];
      partBytes = 0;
      oversized = false;
      state = 'between';
      lastEnd = { offset: offset + endIndex, line: line - 1 };
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) {
            inString = false;
            if (depth === 0) {
              finish(i + 1);
              continue;
            }
          }
        } else if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth += 1;
        else if (c === 125 || c === 93) {
          if (depth === 0) {
            // the array's own closing bracket after a bare value
            finish(i);
            state = 'done';
            continue;
          }
          depth -= 1;
          if (depth === 0) {
            finish(i + 1);
            continue;
          }
        } else if (depth === 0 && (c === 44 || WS[c] === 1)) {
          finish(i);
        }
        if (c === 10) line += 1;
        continue;
      }
      if (c === 10) line += 1;
      if (WS[c] === 1) continue;
      if (state === 'before') {
        if (c !== 91) throw new JsonArrayFormatError(`expected '[' at byte ${offset + i} (line ${line}): the source is not a JSON array`);
        state = 'between';
      } else if (state === 'between') {
        if (c === 44) continue;
        if (c === 93) {
          // The position stays before ']': a resume from it sees the end of the array again.
          state = 'done';
          continue;
        }
        state = 'element';
        elementStart = i;
        elementLine = line;
        depth = c === 123 || c === 91 ? 1 : 0;
        inString = c === 34;
        escaped = false;
      } else if (state === 'done') {
        throw new JsonArrayFormatError(`unexpected data after the closing ']' at byte ${offset + i} (line ${line})`);
      }
    }
    if (state === 'element' && elementStart >= 0) {
      const piece = chunk.subarray(elementStart);
      partBytes += piece.length;
      if (partBytes > maxElementBytes) {
        oversized = true;
        parts = [];
      } else if (!oversized) parts.push(Buffer.from(piece));
    }
    offset += chunk.length;
    yield { lines, tooLong, position: lastEnd };
  }
  if ((state as string) !== 'done') throw new JsonArrayFormatError(`the JSON array ends early (no closing ']' by line ${line})`);
}
