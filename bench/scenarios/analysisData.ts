import { spawn } from 'node:child_process';

/** One namespace of the benchmark data set: share of keys, value shape, TTL. */
interface Shape {
  prefix: string;
  share: number;
  command: (key: string, i: number) => string[][];
}

const hour = 3_600_000;
const pad = (n: number, width: number): string => 'x'.repeat(width + (n % 7) * 13);

/**
 * A cache-like mix, deterministic by index: sessions (short TTL strings), users (hashes without TTL), products
 * (larger strings, 6 h), feeds (lists, 2 days), tmp (tiny strings, 40 days).
 */
export const benchShapes: Shape[] = [
  { prefix: 'session', share: 0.3, command: (k, i) => [['SET', k, pad(i, 120), 'PX', String(30 * 60_000)]] },
  { prefix: 'user', share: 0.25, command: (k, i) => [['HSET', k, 'name', `n${i}`, 'email', `u${i}@example.com`, 'plan', i % 3 ? 'free' : 'pro', 'bio', pad(i, 40)]] },
  { prefix: 'product', share: 0.2, command: (k, i) => [['SET', k, pad(i, 600), 'PX', String(6 * hour)]] },
  { prefix: 'feed', share: 0.15, command: (k, i) => [['RPUSH', k, ...Array.from({ length: 5 + (i % 10) }, (_, j) => `item-${i}-${j}`)], ['PEXPIRE', k, String(48 * hour)]] },
  { prefix: 'tmp', share: 0.1, command: (k) => [['SET', k, 'v', 'PX', String(40 * 24 * hour)]] },
];

function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Writes `total` keys into the server with `redis-cli --pipe` (the fastest bulk load redis offers). */
export async function populate(port: number, total: number): Promise<void> {
  const child = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --pipe exited with ${code}`))));
  });
  let buffer = '';
  for (let i = 0; i < total; i++) {
    const shape = shapeOf(i);
    for (const command of shape.command(`${shape.prefix}:${i}`, i)) buffer += resp(command);
    if (buffer.length > 1 << 20) {
      if (!child.stdin.write(buffer)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      buffer = '';
    }
  }
  child.stdin.end(buffer);
  await done;
}

/** Deterministic assignment of index → namespace with the configured shares. */
function shapeOf(i: number): Shape {
  const x = ((i * 2654435761) % 4294967296) / 4294967296;
  let acc = 0;
  for (const shape of benchShapes) {
    acc += shape.share;
    if (x < acc) return shape;
  }
  return benchShapes[benchShapes.length - 1] as Shape;
}
