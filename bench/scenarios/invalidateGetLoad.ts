import { Redis } from 'ioredis';

/**
 * Benchmark helper process: sequential GETs of `<prefix><random 0..n>` against one redis-server, each timed, until
 * stdin closes; then prints `{ count, p50, p99, p999, max }` (ms) as one JSON line. argv: <port> <prefix> <n>.
 * A process of its own so its timings do not share an event loop with the job being measured.
 */
async function main(): Promise<void> {
  const [port, prefix, n] = [Number(process.argv[2]), process.argv[3] ?? 'other:', Number(process.argv[4] ?? 1000)];
  const redis = new Redis({ port, host: '127.0.0.1' });
  let running = true;
  process.stdin.on('end', () => (running = false));
  process.stdin.resume();
  const samples: number[] = [];
  console.log('STARTED');
  while (running) {
    const start = performance.now();
    // A MOVED/ASK reply (cluster keys of another master, or mid-migration) is a full round trip all the same.
    await redis.get(`${prefix}${Math.floor(Math.random() * n)}`).catch(() => null);
    samples.push(performance.now() - start);
    // ~5k GETs/s: a steady application load that leaves the CPU to the servers being measured.
    if (samples.length % 5 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => Math.round((samples[Math.min(samples.length - 1, Math.floor(samples.length * p))] ?? 0) * 1000) / 1000;
  console.log(JSON.stringify({ count: samples.length, p50: q(0.5), p99: q(0.99), p999: q(0.999), max: q(1) }));
  await redis.quit();
}

void main();
