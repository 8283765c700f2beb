import { Redis } from 'ioredis';

/**
 * The hotkeys benchmark's load generator, a child process of its own (so the radar's parsing never shares its event
 * loop): GETs of `key:<rank>` with rank drawn from Zipf(s) over `keys` keys, from 8 connections in pipelines of 20,
 * paced by a token bucket at the rate the parent sets (0 = as fast as it can). Counts every command per key and
 * the round trip of every pipeline, per phase; answers `stats` with the phase's throughput, p99 and true top keys.
 * argv: port keys s
 */
const [portArg, keysArg, sArg] = process.argv.slice(2);
const port = Number(portArg);
const keys = Number(keysArg);
const s = Number(sArg ?? 1);

const cdf = new Float64Array(keys);
let acc = 0;
for (let i = 0; i < keys; i++) cdf[i] = acc += 1 / Math.pow(i + 1, s);
for (let i = 0; i < keys; i++) cdf[i] = (cdf[i] as number) / acc;
const draw = (): number => {
  const u = Math.random();
  let lo = 0;
  let hi = keys - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cdf[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

let rate = 0;
let tokens = 0;
let last = performance.now();
let counts = new Uint32Array(keys);
let sent = 0;
let rtts: number[] = [];
let phaseStart = performance.now();
let running = true;
const batch = 20;

function refill(): void {
  const now = performance.now();
  tokens = Math.min(rate / 20, tokens + ((now - last) / 1000) * rate); // 50 ms of burst
  last = now;
}

async function worker(redis: Redis): Promise<void> {
  while (running) {
    if (rate > 0) {
      refill();
      if (tokens < batch) {
        await new Promise((r) => setTimeout(r, Math.max(1, ((batch - tokens) / rate) * 1000)));
        continue;
      }
      tokens -= batch;
    }
    const p = redis.pipeline();
    for (let i = 0; i < batch; i++) {
      const rank = draw();
      counts[rank] = (counts[rank] as number) + 1;
      p.get(`key:${rank}`);
    }
    const t0 = performance.now();
    await p.exec();
    rtts.push(performance.now() - t0);
    sent += batch;
  }
}

function stats(): Record<string, unknown> {
  const seconds = (performance.now() - phaseStart) / 1000;
  const sorted = [...rtts].sort((a, b) => a - b);
  const idx: number[] = [];
  for (let i = 0; i < keys; i++) if ((counts[i] as number) > 0) idx.push(i);
  idx.sort((a, b) => (counts[b] as number) - (counts[a] as number));
  return {
    seconds,
    commands: sent,
    opsPerSec: sent / seconds,
    p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? null,
    p50Ms: sorted[Math.floor(sorted.length * 0.5)] ?? null,
    top: idx.slice(0, 200).map((i) => [`key:${i}`, counts[i]]),
  };
}

const connections = Array.from({ length: 8 }, () => new Redis({ port, maxRetriesPerRequest: 1 }));
const workers = connections.map((c) => worker(c));

process.on('message', (m: { cmd: string; rate?: number }) => {
  if (m.cmd === 'rate') {
    rate = m.rate ?? 0;
    tokens = 0;
    last = performance.now();
  } else if (m.cmd === 'phase') {
    counts = new Uint32Array(keys);
    sent = 0;
    rtts = [];
    phaseStart = performance.now();
    process.send?.({ ok: true });
  } else if (m.cmd === 'stats') {
    process.send?.(stats());
  } else if (m.cmd === 'stop') {
    running = false;
    void Promise.all(workers).then(() => {
      for (const c of connections) c.disconnect();
      process.exit(0);
    });
  }
});
process.send?.({ ready: true });
