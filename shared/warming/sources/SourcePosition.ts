/**
 * Where a file-like source (NDJSON, JSON array; Blob or HTTP) resumes: the byte offset just after the last record
 * whose write was acknowledged, and the number of lines before it (so line numbers stay right after a resume).
 */
export interface TextPosition {
  offset: number;
  line: number;
}

export const startOfText: TextPosition = { offset: 0, line: 0 };

/** One record's bytes (`buf[start..end)`, no line break) and the 1-based line it starts on. */
export interface SourceLine {
  buf: Buffer;
  start: number;
  end: number;
  line: number;
}

/** Records read from one stream chunk, and the position after the last complete one. */
export interface LineBatch {
  lines: SourceLine[];
  /** Records longer than the limit: skipped without buffering them, reported by line. */
  tooLong: number[];
  position: TextPosition;
}
