import { BlobServiceClient } from '@azure/storage-blob';
import type { RedisTarget } from '../../shared/platform/redis/RedisTarget';
import { storedVersionField } from '../../shared/warming/mapRecord';
import { runWarmChunk, type WarmChunkResult } from '../../shared/warming/runWarmChunk';
import type { WarmSourceReader } from '../../shared/warming/sources/WarmSourceReader';
import { addCounts, zeroCounts, type WarmCounts } from '../../shared/warming/WarmCounts';
import { warmPlanSchema, type WarmPlan } from '../../shared/platform/registry/warmPlan';
import { WarmWriter } from '../../shared/warming/WarmWriter';
import { writeTopology } from '../../shared/warming/writeTopology';
import type { RedisMode } from '../helpers/redis';
import { azuriteConnectionString, uniqueContainerName } from '../helpers/storage';

/** A registration of the shared standalone server or cluster, as the connection manager takes it. */
export function targetOf(mode: RedisMode, seeds: { host: string; port: number }[], id = 'warm-test'): RedisTarget {
  return { id: `${id}-${mode}`, mode, endpoints: seeds, tls: { enabled: false }, secretRef: { kind: 'none' } };
}

export function blobService(): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(azuriteConnectionString());
}

/** Uploads `text` to a fresh container; returns where. */
export async function uploadBlob(text: string | Buffer, name = 'source.ndjson'): Promise<{ container: string; blob: string }> {
  const container = uniqueContainerName('warm');
  const client = blobService().getContainerClient(container);
  await client.create();
  const body = typeof text === 'string' ? Buffer.from(text) : text;
  await client.getBlockBlobClient(name).upload(body, body.length);
  return { container, blob: name };
}

export function plan(overrides: Record<string, unknown>): WarmPlan {
  return warmPlanSchema.parse(overrides);
}

/** Runs chunks until done (each chunk with a fresh writer, as separate invocations would). */
export async function warmAll(args: {
  target: RedisTarget;
  plan: WarmPlan;
  source: WarmSourceReader;
  namespace: { keyPattern: string; ttlSeconds: number | null; ttlJitterPercent: number };
  maxMs?: number;
  maxChunks?: number;
}): Promise<{ counts: WarmCounts; chunks: WarmChunkResult[] }> {
  let counts = zeroCounts();
  let from: unknown = null;
  const chunks: WarmChunkResult[] = [];
  for (let i = 0; i < (args.maxChunks ?? 1000); i++) {
    const writer = new WarmWriter(await writeTopology(args.target), { mode: args.plan.writeMode, versionField: storedVersionField(args.plan.mapping) });
    await writer.connect();
    try {
      const result = await runWarmChunk({ plan: args.plan, namespace: args.namespace, source: args.source, writer, from, before: counts, maxMs: args.maxMs ?? 60_000, retryBaseMs: 10 });
      chunks.push(result);
      counts = addCounts(counts, result.counts);
      from = result.position;
      if (result.done) return { counts, chunks };
    } finally {
      writer.close();
    }
  }
  throw new Error('warm did not finish');
}
