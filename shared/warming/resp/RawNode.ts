import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ReplyParser, type Reply } from './ReplyParser';
import { CommandBuffer } from './CommandBuffer';

/** Where and how to reach one Redis node for bulk writes. */
export interface RawNodeOptions {
  host: string;
  port: number;
  tls?: { enabled: boolean; servername?: string };
  username?: string;
  password?: string;
  /** Connect + AUTH budget. @default 3000 */
  connectTimeoutMs?: number;
  /** A pipeline whose oldest command waits longer than this fails the node. @default 10000 */
  replyTimeoutMs?: number;
}

/** A batch on the wire: its bytes, each command's offset, and who is told about each reply. */
export interface SentBatch {
  bytes: Buffer;
  starts: number[];
  onReply: (reply: Reply, index: number) => void;
  /** `count` consecutive `+OK` replies starting at command `index` (optional fast path; else `onReply` each). */
  onOks?: (index: number, count: number) => void;
  /** After the batch's last reply was handed over: its bytes were received by the node and may be reused. */
  onDone?: () => void;
}

const OK_REPLY: Reply = { kind: 'ok' };

interface InFlight {
  batch: SentBatch;
  next: number;
  sentAt: number;
}

/**
 * One raw socket to one Redis node, writing pre-encoded RESP batches and matching replies in order. ioredis
 * allocates a Command and a Promise per call; at hundreds of thousands of keys per second that is the
 * bottleneck, so warm writes bypass it (reads, SCAN and topology still use the pooled ioredis clients).
 */
export class RawNode {
  private readonly parser = new ReplyParser();
  private readonly queue: InFlight[] = [];
  private head = 0;
  private pendingCommands = 0;
  private sentCommands = 0;
  private failure: Error | null = null;
  private waiters: { ready: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly address: string,
    private readonly socket: Socket,
    private readonly replyTimeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.parser.feed(
          chunk,
          (reply) => this.dispatch(reply),
          (count) => this.dispatchOks(count),
        );
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error) => this.fail(new Error(`connection to ${address} failed (${(error as NodeJS.ErrnoException).code ?? error.name})`)));
    socket.on('close', () => this.fail(new Error(`connection to ${address} closed`)));
    this.timer = setInterval(() => this.checkStalled(), Math.min(1000, replyTimeoutMs)).unref();
  }

  /** Connects, authenticates, and resolves once the node answered PING. */
  static async open(options: RawNodeOptions): Promise<RawNode> {
    const address = `${options.host}:${options.port}`;
    const timeoutMs = options.connectTimeoutMs ?? 3000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s: Socket = options.tls?.enabled
        ? tlsConnect({ host: options.host, port: options.port, servername: options.tls.servername ?? options.host }, () => resolve(s))
        : netConnect({ host: options.host, port: options.port }, () => resolve(s));
      s.setNoDelay(true);
      s.setTimeout(timeoutMs, () => s.destroy(new Error('connect timeout')));
      s.once('error', (error) => reject(new Error(`cannot connect to ${address} (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
    });
    socket.setTimeout(0);
    socket.removeAllListeners('error');
    const node = new RawNode(address, socket, options.replyTimeoutMs ?? 10_000);
    const hello = new CommandBuffer(1024);
    if (options.password !== undefined) hello.push(options.username ? ['AUTH', options.username, options.password] : ['AUTH', options.password]);
    hello.push(['PING']);
    const replies = await node.sendAll(hello);
    const bad = replies.find((r) => r.kind === 'error');
    if (bad && bad.kind === 'error') {
      node.close();
      // The reply prefix only (WRONGPASS / NOAUTH): never the arguments, which hold the password.
      throw new Error(`${address} refused the connection (${bad.message.split(' ')[0] ?? 'error'})`);
    }
    return node;
  }

  /** Commands sent whose replies have not arrived yet. */
  get inFlight(): number {
    return this.pendingCommands;
  }

  /** Commands sent since the node was opened (replies arrive in this order). */
  get sent(): number {
    return this.sentCommands;
  }

  /** Writes a batch; replies arrive through `batch.onReply` in order. */
  send(batch: SentBatch): void {
    if (this.failure) throw this.failure;
    if (batch.starts.length === 0) return;
    this.queue.push({ batch, next: 0, sentAt: Date.now() });
    this.pendingCommands += batch.starts.length;
    this.sentCommands += batch.starts.length;
    this.socket.write(batch.bytes);
  }

  /** Sends the commands of `commands` and resolves with their replies. */
  sendAll(commands: CommandBuffer): Promise<Reply[]> {
    const replies: Reply[] = [];
    const { bytes, starts } = commands.take();
    return new Promise((resolve, reject) => {
      try {
        this.send({ bytes, starts, onReply: (reply) => replies.push(reply) });
      } catch (error) {
        reject(error as Error);
        return;
      }
      this.until(0).then(() => resolve(replies), reject);
    });
  }

  /** Resolves when at most `limit` commands are in flight (backpressure); rejects if the node failed. */
  until(limit: number): Promise<void> {
    return this.when(() => this.pendingCommands <= limit);
  }

  /** Resolves once the first `count` commands sent (see `sent`) have their replies; rejects if the node failed. */
  untilReplied(count: number): Promise<void> {
    return this.when(() => this.sentCommands - this.pendingCommands >= count);
  }

  private when(ready: () => boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ ready, resolve, reject }));
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.destroy();
  }

  /** A run of `+OK` replies, handed to each batch in one call per batch it spans. */
  private dispatchOks(count: number): void {
    let left = count;
    while (left > 0) {
      const entry = this.queue[this.head];
      if (!entry) throw new Error(`protocol error: reply from ${this.address} without a command`);
      if (!entry.batch.onOks) {
        this.dispatch(OK_REPLY);
        left -= 1;
        continue;
      }
      const take = Math.min(left, entry.batch.starts.length - entry.next);
      const index = entry.next;
      entry.next += take;
      this.pendingCommands -= take;
      left -= take;
      const done = entry.next >= entry.batch.starts.length;
      if (done) this.advance();
      entry.batch.onOks(index, take);
      if (done) entry.batch.onDone?.();
    }
    this.wake();
  }

  private advance(): void {
    this.queue[this.head] = undefined as unknown as InFlight;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const next = this.queue[this.head];
    if (next) next.sentAt = Date.now();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still = [];
    for (const w of this.waiters) {
      if (w.ready()) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private dispatch(reply: Reply): void {
    const entry = this.queue[this.head];
    if (!entry) throw new Error(`protocol error: reply from ${this.address} without a command`);
    const index = entry.next++;
    this.pendingCommands -= 1;
    const done = entry.next >= entry.batch.starts.length;
    if (done) this.advance();
    entry.batch.onReply(reply, index);
    if (done) entry.batch.onDone?.();
    this.wake();
  }

  private checkStalled(): void {
    const oldest = this.queue[this.head];
    if (oldest && Date.now() - oldest.sentAt > this.replyTimeoutMs) {
      this.fail(new Error(`${this.address} did not answer within ${this.replyTimeoutMs} ms`));
      this.socket.destroy();
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    clearInterval(this.timer);
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
  }
}
