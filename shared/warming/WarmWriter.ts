import { createHash } from 'node:crypto';
import { keySlotOf, keySlotOfRange } from './keySlotOf';
import { CommandBuffer } from './resp/CommandBuffer';
import { RawNode, type RawNodeOptions } from './resp/RawNode';
import type { Reply } from './resp/ReplyParser';
import { setIfNewerScript } from './scripts/setIfNewer';
import { zeroCounts, type WarmCounts, type WarmRecordError } from './WarmCounts';

export type WriteMode = 'nx' | 'overwrite' | 'version-compare';

/** Where the writes go: the masters, and in cluster mode which master owns each slot. */
export interface WriteTopology {
  masters: RawNodeOptions[];
  /** Slot → index in `masters`; null for a standalone server. */
  slotOwner: Int16Array | null;
  /** Auth/TLS for nodes learned from a redirect (MOVED/ASK). */
  nodeDefaults: Omit<RawNodeOptions, 'host' | 'port'>;
}

export interface WarmWriterOptions {
  mode: WriteMode;
  /** Version field inside JSON values (version-compare). @default "version" */
  versionField?: string;
  /** Commands per batch (one socket write). @default 2000 */
  batchSize?: number;
  /** Commands in flight per node before `pump()` waits (backpressure, bounded memory). @default 20000 */
  maxInFlight?: number;
  /** Errors kept with details (the rest are only counted). @default 100 */
  keepErrors?: number;
}

/** A string value record (files, HTTP). `ttlMs` null = no expiry. */
export interface ValueRecord {
  key: string | Buffer;
  /** When set (and `key` is a Buffer), the key is `key[0..keyEnd)`: a buffer the producer reuses for every record. */
  keyEnd?: number | undefined;
  value: string | Buffer;
  /** When set, the value is `value[valueStart..valueEnd)` (saves a Buffer view per record on the hot path). */
  valueStart?: number;
  valueEnd?: number;
  ttlMs: number | null;
  /** `ttlMs` as decimal text, when the producer has it already (saves a number-to-string per key). */
  ttlText?: string | undefined;
  version?: number;
  line?: number;
}

/** A DUMP payload record (Redis sources, hot-set snapshots). `ttlMs` null or 0 = no expiry. */
export interface DumpRecord {
  key: Buffer;
  dump: Buffer;
  ttlMs: number | null;
}

interface Batch {
  buf: CommandBuffer;
  meta: (number | undefined)[];
  sizes: number[];
}

/** The writes between two `mark()`s, counted on their own so a checkpoint can take exactly the pieces whose replies are in. */
interface Epoch {
  counts: WarmCounts;
  /** Its failed records among the sink's kept `errors`. */
  errors: WarmRecordError[];
  /** Commands of this epoch redirected (MOVED/ASK) whose final reply is still to come. */
  redirects: number;
}

interface Redirect {
  command: Buffer;
  line: number | undefined;
  size: number;
  hops: number;
  ask: boolean;
  address: string;
  slot: number;
  epoch: Epoch;
}

const maxRedirects = 5;
/** Enough for the batches in flight on a few masters (20,000 commands in flight = 10 batches each). */
const maxSpareBuffers = 32;

/** The counts up to a `mark()`, and the failed records among them the sink kept (the first ones). */
export type PieceCounts = WarmCounts & { errors: WarmRecordError[] };

/** What the engine writes into: Redis (`WarmWriter`) or nothing but counts (`DryRunSink`). */
export interface WarmSink {
  readonly counts: WarmCounts;
  readonly errors: WarmRecordError[];
  connect(): Promise<void>;
  addValue(record: ValueRecord): void;
  addDump(record: DumpRecord): void;
  reject(error: WarmRecordError): void;
  /**
   * Ends a piece: sends what is queued and returns the counts of every record added so far (since the sink was
   * created, `read` left 0) and those of them kept in `errors`, resolved once all their replies are in, while later
   * records keep being written (their errors are not in it).
   */
  mark(): Promise<PieceCounts>;
  pump(): Promise<void>;
  drain(): Promise<void>;
  close(): void;
}

/**
 * Writes warm records into Redis as fast as the servers take them: commands are RESP-encoded into per-master
 * batches (grouped by slot owner in cluster mode), several batches stay in flight per master, and replies are
 * counted as they arrive (written / skipped / failed). `pump()` applies backpressure; `drain()` waits for every
 * reply — only after it are counts final and a checkpoint safe to store.
 */
export class WarmWriter implements WarmSink {
  readonly counts: WarmCounts = zeroCounts();
  readonly errors: WarmRecordError[] = [];
  private readonly nodes = new Map<string, Promise<RawNode>>();
  private readonly open: RawNode[] = [];
  private readonly batches: Batch[];
  private readonly redirects: Redirect[] = [];
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly keepErrors: number;
  private readonly versionField: string;
  private readonly scriptSha = createHash('sha1').update(setIfNewerScript).digest('hex');
  private resolved: (RawNode | undefined)[] = [];
  /** Buffers of acknowledged batches, reused by the next ones (bounded: at most `maxSpareBuffers`). */
  private readonly spare: Buffer[] = [];
  private epoch: Epoch = newEpoch();
  private readonly epochs: Epoch[] = [this.epoch];

  constructor(
    private readonly topology: WriteTopology,
    private readonly options: WarmWriterOptions,
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.maxInFlight = options.maxInFlight ?? 20_000;
    this.keepErrors = options.keepErrors ?? 100;
    this.versionField = options.versionField ?? 'version';
    this.batches = topology.masters.map(() => this.newBatch());
  }

  /** Connects to every master (and loads the version-compare script). Fails with the first unreachable node. */
  async connect(): Promise<void> {
    this.resolved = await Promise.all(this.topology.masters.map((m) => this.node(m)));
  }

  /** Queues `SET key value [PX ttl] [NX]` (or the version-compare script) for the key's master. */
  addValue(record: ValueRecord): void {
    const keyEnd = record.keyEnd ?? -1;
    // A ranged key is hashed in place; it is viewed only for the (rare) version-compare mode.
    const owners = this.topology.slotOwner;
    const i = owners === null ? 0 : (owners[typeof record.key !== 'string' && keyEnd >= 0 ? keySlotOfRange(record.key, 0, keyEnd) : keySlotOf(record.key)] ?? 0);
    const batch = this.batches[i] as Batch;
    const size = typeof record.value === 'string' ? Buffer.byteLength(record.value) : record.valueEnd !== undefined ? record.valueEnd - (record.valueStart ?? 0) : record.value.length;
    const ttl = record.ttlMs !== null && record.ttlMs > 0 ? (record.ttlText ?? String(record.ttlMs)) : null;
    if (this.options.mode === 'version-compare') {
      const value = typeof record.value !== 'string' && record.valueEnd !== undefined ? record.value.subarray(record.valueStart ?? 0, record.valueEnd) : record.value;
      batch.buf.push(['EVALSHA', this.scriptSha, '1', keyOf(record), value, String(record.version ?? 0), ttl ?? '0', this.versionField]);
    } else batch.buf.pushSet(record.key, record.value, ttl, this.options.mode === 'nx', record.valueStart ?? 0, record.valueEnd ?? -1, keyEnd);
    batch.meta.push(record.line);
    batch.sizes.push(size);
    const queued = batch.meta.length;
    if (queued >= this.batchSize || ((queued & 255) === 0 && this.starving(i))) this.flush(i);
  }

  /**
   * The node has less than half a batch left to execute: send what is queued now rather than at a full batch, so
   * the server does not sit idle at the start of a chunk (cold code, first read) or after a pause of ours (GC).
   */
  private starving(i: number): boolean {
    const node = this.resolved[i];
    return node !== undefined && node.inFlight < this.batchSize / 2;
  }

  /** Queues `RESTORE key ttl payload [REPLACE]`: without REPLACE (NX) a present key answers BUSYKEY = skipped. */
  addDump(record: DumpRecord): void {
    const i = this.ownerOf(record.key);
    const batch = this.batches[i] as Batch;
    const ttl = record.ttlMs !== null && record.ttlMs > 0 ? String(Math.round(record.ttlMs)) : '0';
    batch.buf.push(this.options.mode === 'overwrite' ? ['RESTORE', record.key, ttl, record.dump, 'REPLACE'] : ['RESTORE', record.key, ttl, record.dump]);
    batch.meta.push(undefined);
    batch.sizes.push(record.dump.length);
    if (batch.meta.length >= this.batchSize) this.flush(i);
  }

  /** Counts a record that never reached Redis (malformed, oversized, outside the namespace). */
  reject(error: WarmRecordError, epoch: Epoch = this.epoch): void {
    this.counts.failed += 1;
    epoch.counts.failed += 1;
    if (this.errors.length < this.keepErrors) {
      this.errors.push(error);
      epoch.errors.push(error);
    }
  }

  mark(): Promise<PieceCounts> {
    this.batches.forEach((_, i) => this.flush(i));
    const upTo = this.epochs.length;
    // Replies come in order per node: once each node answered what it was sent so far, every command before the
    // mark has its reply, except those redirected, which are followed until none of these epochs waits on one.
    const sent = this.open.map((n) => [n, n.sent] as const);
    this.epoch = newEpoch();
    this.epochs.push(this.epoch);
    return this.settled(upTo, sent);
  }

  private async settled(upTo: number, sent: readonly (readonly [RawNode, number])[]): Promise<PieceCounts> {
    const epochs = this.epochs.slice(0, upTo);
    for (;;) {
      await Promise.all(sent.map(([node, count]) => node.untilReplied(count)));
      if (!epochs.some((e) => e.redirects > 0)) break;
      await this.followRedirects();
      // A redirect another caller is still sending (its node connecting) shows up on the next round.
      await new Promise((resolve) => setTimeout(resolve, 2));
      sent = this.open.map((n) => [n, n.sent] as const);
    }
    const total: PieceCounts = { ...zeroCounts(), errors: epochs.flatMap((e) => e.errors) };
    for (const e of epochs) {
      total.written += e.counts.written;
      total.skipped += e.counts.skipped;
      total.failed += e.counts.failed;
      total.bytes += e.counts.bytes;
    }
    return total;
  }

  /** Sends full batches and waits while any master has too many commands in flight. */
  async pump(): Promise<void> {
    await this.followRedirects();
    for (const node of this.resolved) if (node && node.inFlight > this.maxInFlight) await node.until(this.maxInFlight / 2);
  }

  /** Sends everything queued and waits for every reply (including redirected commands). */
  async drain(): Promise<void> {
    for (;;) {
      this.batches.forEach((_, i) => this.flush(i));
      await Promise.all(this.resolved.map((n) => n?.until(0)));
      await Promise.all(this.open.map((n) => n.until(0)));
      if (this.redirects.length === 0) return;
      await this.followRedirects();
    }
  }

  close(): void {
    for (const node of this.open) node.close();
  }

  private ownerOf(key: string | Buffer): number {
    const owners = this.topology.slotOwner;
    if (!owners) return 0;
    return owners[keySlotOf(key)] ?? 0;
  }

  private flush(i: number): void {
    const batch = this.batches[i] as Batch;
    if (batch.meta.length === 0) return;
    const node = this.resolved[i];
    if (!node) throw new Error('WarmWriter.connect() must complete before writing');
    const { meta, sizes } = batch;
    const { bytes, starts, backing } = batch.buf.take();
    this.batches[i] = { buf: batch.buf, meta: [], sizes: [] };
    const epoch = this.epoch;
    node.send({
      bytes,
      starts,
      onReply: (reply, index) => this.onReply(reply, meta[index], sizes[index] ?? 0, bytes, starts, index, 0, epoch),
      // +OK from SET or RESTORE: written.
      onOks: (index, count) => {
        let size = 0;
        for (let i = index; i < index + count; i++) size += sizes[i] ?? 0;
        this.counts.written += count;
        this.counts.bytes += size;
        epoch.counts.written += count;
        epoch.counts.bytes += size;
      },
      // Every reply is in (a redirected command was copied when its reply came): the buffer can take another batch.
      onDone: () => {
        if (this.spare.length < maxSpareBuffers) this.spare.push(backing);
      },
    });
  }

  /** Counts one reply; `bytes`/`starts`/`index` locate the command, needed only to re-send it after a redirect. */
  private onReply(reply: Reply, line: number | undefined, size: number, bytes: Buffer, starts: readonly number[], index: number, hops: number, epoch: Epoch): void {
    switch (reply.kind) {
      case 'ok':
        this.written(epoch, size);
        return;
      case 'nil':
        this.skipped(epoch);
        return;
      case 'int':
        if (reply.value === 1) this.written(epoch, size);
        else this.skipped(epoch);
        return;
      case 'error': {
        const [code = 'ERR', a, b] = reply.message.split(' ');
        if ((code === 'MOVED' || code === 'ASK') && hops < maxRedirects && a && b) {
          const command = Buffer.from(bytes.subarray(starts[index], starts[index + 1] ?? bytes.length));
          epoch.redirects += 1;
          this.redirects.push({ command, line, size, hops: hops + 1, ask: code === 'ASK', address: b, slot: Number(a), epoch });
          return;
        }
        if (code === 'BUSYKEY') {
          this.skipped(epoch);
          return;
        }
        this.reject({ ...(line === undefined ? {} : { line }), code: `redis_${code.toLowerCase()}`, message: reply.message.slice(0, 200) }, epoch);
        return;
      }
      default:
        this.reject({ ...(line === undefined ? {} : { line }), code: 'redis_unexpected_reply', message: `unexpected ${reply.kind} reply` }, epoch);
    }
  }

  private written(epoch: Epoch, size: number): void {
    this.counts.written += 1;
    this.counts.bytes += size;
    epoch.counts.written += 1;
    epoch.counts.bytes += size;
  }

  private skipped(epoch: Epoch): void {
    this.counts.skipped += 1;
    epoch.counts.skipped += 1;
  }

  private async followRedirects(): Promise<void> {
    while (this.redirects.length > 0) {
      const r = this.redirects.shift() as Redirect;
      const sep = r.address.lastIndexOf(':');
      const target = await this.node({ ...this.topology.nodeDefaults, host: r.address.slice(0, sep), port: Number(r.address.slice(sep + 1)) });
      if (!r.ask && this.topology.slotOwner) this.learnOwner(r.slot, target);
      const prefix = new CommandBuffer(64);
      if (r.ask) prefix.push(['ASKING']);
      const pre = prefix.take();
      const bytes = Buffer.concat([pre.bytes, r.command]);
      const starts = r.ask ? [0, pre.bytes.length] : [0];
      target.send({
        bytes,
        starts,
        onReply: (reply, index) => {
          if (r.ask && index === 0) return;
          r.epoch.redirects -= 1;
          this.onReply(reply, r.line, r.size, r.command, [0], 0, r.hops, r.epoch);
        },
      });
    }
  }

  /** A MOVED reply means the slot changed owner (resharding, failover): route the slot's later keys there too. */
  private learnOwner(slot: number, node: RawNode): void {
    let i = this.resolved.indexOf(node);
    if (i < 0) {
      i = this.resolved.length;
      this.resolved.push(node);
      this.batches.push(this.newBatch());
      this.topology.masters.push({ ...this.topology.nodeDefaults, host: node.address.slice(0, node.address.lastIndexOf(':')), port: Number(node.address.slice(node.address.lastIndexOf(':') + 1)) });
    }
    if (this.topology.slotOwner) this.topology.slotOwner[slot] = i;
  }

  private node(options: RawNodeOptions): Promise<RawNode> {
    const address = `${options.host}:${options.port}`;
    let node = this.nodes.get(address);
    if (!node) {
      node = RawNode.open(options).then(async (n) => {
        this.open.push(n);
        if (this.options.mode === 'version-compare') {
          const load = new CommandBuffer(2048);
          load.push(['SCRIPT', 'LOAD', setIfNewerScript]);
          const [reply] = await n.sendAll(load);
          if (reply?.kind === 'error') throw new Error(`${address} refused the version-compare script (${reply.message.slice(0, 80)})`);
        }
        return n;
      });
      node.catch(() => this.nodes.delete(address));
      this.nodes.set(address, node);
    }
    return node;
  }

  private newBatch(): Batch {
    return { buf: new CommandBuffer(256 * 1024, this.spare), meta: [], sizes: [] };
  }
}

/** The record's key as one string or Buffer (a view when the producer gave a range). */
function keyOf(record: ValueRecord): string | Buffer {
  return typeof record.key !== 'string' && record.keyEnd !== undefined ? record.key.subarray(0, record.keyEnd) : record.key;
}

function newEpoch(): Epoch {
  return { counts: zeroCounts(), errors: [], redirects: 0 };
}

