import type { DumpRecord } from '../WarmWriter';
import type { TextPosition } from './SourcePosition';

/** A file-like source: a byte stream of NDJSON or a JSON array that can be (re)opened at a byte offset. */
export interface TextSourceReader {
  kind: 'text';
  format: 'ndjson' | 'json-array';
  /** For messages: the blob or URL (never with credentials). */
  describe: string;
  /** The bytes from `from.offset` on. Throws when the source cannot be reached (retried with backoff). */
  open(from: TextPosition): Promise<AsyncIterable<Buffer>>;
  /** The source's whole size in bytes as learned at the last `open` (null: not opened yet, or not known). */
  sizeBytes?(): number | null;
}

/** Keys copied as DUMP payloads (another Redis, a hot-set snapshot), in batches with a resumable position. */
export interface DumpBatch {
  records: DumpRecord[];
  /** Keys that expired or vanished between reading and copying: neither written nor failed. */
  gone: number;
  position: unknown;
}

export interface DumpSourceReader {
  kind: 'dump';
  describe: string;
  /** Batches from `from` (null = the beginning); each batch's position resumes after it. */
  read(from: unknown): AsyncIterable<DumpBatch>;
  /**
   * A file-backed dump source (a snapshot blob): its whole size in bytes as learned at the last read, with positions
   * carrying the byte `offset` they resume at, so progress is measured like a text source's. Null: not read yet.
   */
  sizeBytes?(): number | null;
  /** A keyspace source (another Redis): an estimate of the records it will yield, asked once per job (its cost is a few commands per node). */
  estimateRecords?(): Promise<number>;
}

export type WarmSourceReader = TextSourceReader | DumpSourceReader;
