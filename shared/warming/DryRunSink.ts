import { zeroCounts, type WarmCounts, type WarmRecordError } from './WarmCounts';
import type { DumpRecord, PieceCounts, ValueRecord, WarmSink } from './WarmWriter';

/**
 * A dry run: the source is read and every record mapped and checked (malformed lines, sizes, namespace), nothing is
 * written. `written` then counts records that *would* be sent (whether NX would keep a present key is not asked).
 */
export class DryRunSink implements WarmSink {
  readonly counts: WarmCounts = zeroCounts();
  readonly errors: WarmRecordError[] = [];

  async connect(): Promise<void> {}

  addValue(record: ValueRecord): void {
    this.counts.written += 1;
    this.counts.bytes += typeof record.value === 'string' ? Buffer.byteLength(record.value) : (record.valueEnd ?? record.value.length) - (record.valueStart ?? 0);
  }

  addDump(record: DumpRecord): void {
    this.counts.written += 1;
    this.counts.bytes += record.dump.length;
  }

  reject(error: WarmRecordError): void {
    this.counts.failed += 1;
    if (this.errors.length < 100) this.errors.push(error);
  }

  /** Nothing is in flight: the counts so far are final at once. */
  mark(): Promise<PieceCounts> {
    return Promise.resolve({ ...this.counts, read: 0, errors: [...this.errors] });
  }

  async pump(): Promise<void> {}
  async drain(): Promise<void> {}
  close(): void {}
}
