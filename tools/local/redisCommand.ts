import { connect } from 'node:net';

/** A decoded RESP2 reply. Errors are not values: they reject. */
export type RespValue = string | number | null | RespValue[];

export interface RedisCommandOptions {
  /** Sent as AUTH on the same connection first. @default none */
  password?: string;
  /** @default 2000 */
  timeoutMs?: number;
}

/**
 * Sends one command over raw RESP2 on a fresh connection and resolves with the decoded reply; a Redis error
 * rejects. Deliberately tiny — no client library, no reconnect loop, a hard timeout — for the spawners' probes.
 */
export function redisCommand(host: string, port: number, args: string[], options: RedisCommandOptions = {}): Promise<RespValue> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const commands = options.password !== undefined ? [['AUTH', options.password], args] : [args];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buffer = Buffer.alloc(0);
    const replies: RespValue[] = [];
    const finish = (error: Error | undefined): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve(replies[replies.length - 1] ?? null);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`redis ${host}:${port} ${args[0] ?? ''} timed out after ${timeoutMs} ms`)));
    socket.once('error', (err) => finish(err));
    socket.once('connect', () => socket.write(commands.map(encode).join('')));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer, 0);
        if (parsed === undefined) return;
        buffer = buffer.subarray(parsed.end);
        if (parsed.error !== undefined) return finish(new Error(`redis ${host}:${port} ${args[0] ?? ''}: ${parsed.error}`));
        replies.push(parsed.value);
        if (replies.length === commands.length) return finish(undefined);
      }
    });
  });
}

/** `redisCommand` for replies that are text (status, bulk string, INFO). */
export async function redisText(host: string, port: number, args: string[], options?: RedisCommandOptions): Promise<string> {
  return String(await redisCommand(host, port, args, options));
}

function encode(args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

interface Parsed {
  value: RespValue;
  error?: string;
  end: number;
}

function parse(buffer: Buffer, start: number): Parsed | undefined {
  const eol = buffer.indexOf('\r\n', start);
  if (eol < 0) return undefined;
  const head = buffer.toString('utf8', start + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buffer[start] ?? 0)) {
    case '+':
      return { value: head, end: next };
    case '-':
      return { value: null, error: head, end: next };
    case ':':
      return { value: Number(head), end: next };
    case '$': {
      const length = Number(head);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(head);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, end);
        if (item === undefined) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      return { value: null, error: `unsupported RESP type in '${head}'`, end: buffer.length };
  }
}

/** Parses `INFO` / `CLUSTER INFO` text into a field map. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
