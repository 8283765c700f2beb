import { runWarmChunk } from '../../shared/warming/runWarmChunk';
import { fileSource } from '../../shared/warming/sources/fileSource';
import { addCounts, zeroCounts } from '../../shared/warming/WarmCounts';
import { warmPlanSchema } from '../../shared/platform/registry/warmPlan';
import { WarmWriter } from '../../shared/warming/WarmWriter';
import { writeTopology } from '../../shared/warming/writeTopology';
import { redisConnections } from '../../shared/platform/redis/redisConnections';

/**
 * One warm in its own process (so its peak RSS is the warm's alone): `node warmChild.js <file> <mode> <host:port,...>`.
 * Runs the engine in 30 s chunks, each with a fresh writer, exactly as job chunks would; prints one JSON line.
 */
async function main(): Promise<void> {
  const [file, mode, seedList] = process.argv.slice(2) as [string, 'standalone' | 'cluster', string];
  const seeds = seedList.split(',').map((s) => ({ host: s.split(':')[0] as string, port: Number(s.split(':')[1]) }));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const plan = warmPlanSchema.parse({ source: { kind: 'blob', container: 'bench', blob: 'bench.ndjson' }, mapping: { key: 'bench:{id}', value: 'value' } });
  const namespace = { keyPattern: 'bench:*', ttlSeconds: 3600, ttlJitterPercent: 10 };
  const source = fileSource(file, 'ndjson');
  const topology = await writeTopology({ id: `bench-${mode}`, mode, endpoints: seeds, tls: { enabled: false }, secretRef: { kind: 'none' } });
  const baseRssMB = Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let counts = zeroCounts();
  let from: unknown = null;
  let chunks = 0;
  for (;;) {
    const writer = new WarmWriter(structuredClone(topology), {
      mode: plan.writeMode,
      ...(process.env.BENCH_WARM_BATCH ? { batchSize: Number(process.env.BENCH_WARM_BATCH) } : {}),
      ...(process.env.BENCH_WARM_IN_FLIGHT ? { maxInFlight: Number(process.env.BENCH_WARM_IN_FLIGHT) } : {}),
    });
    await writer.connect();
    const result = await runWarmChunk({ plan, namespace, source, writer, from, before: counts, maxMs: 30_000 });
    writer.close();
    chunks += 1;
    counts = addCounts(counts, result.counts);
    from = result.position;
    if (result.done) break;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await redisConnections.closeAll();
  console.log(JSON.stringify({ ms, counts, chunks, peakRssMB: Math.round((peakRss / 2 ** 20) * 10) / 10, baseRssMB, cpuMs, keysPerSec: counts.written / (ms / 1000) }));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
