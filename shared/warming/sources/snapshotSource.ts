import type { BlobServiceClient } from '@azure/storage-blob';
import type { SnapshotHeader } from '../hotSetSnapshot';
import { WarmFailure } from '../WarmFailure';
import type { DumpRecord } from '../WarmWriter';
import { blobSource } from './blobSource';
import { ndjsonLines } from './ndjsonLines';
import { startOfText, type TextPosition } from './SourcePosition';
import type { DumpSourceReader } from './WarmSourceReader';

/** The newest snapshot blob of a namespace (names sort by time), or a named one. */
export async function snapshotBlobName(blobs: BlobServiceClient, container: string, clusterId: string, namespace: string, named?: string): Promise<string> {
  if (named) return named;
  let newest: string | undefined;
  try {
    for await (const item of blobs.getContainerClient(container).listBlobsFlat({ prefix: `${clusterId}/${namespace}/` })) {
      if (!newest || item.name > newest) newest = item.name;
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  if (!newest) throw new WarmFailure('source_unreachable', `no hot-set snapshot of namespace '${namespace}' in ${container}/${clusterId}/${namespace}/ (take one first)`, false);
  return newest;
}

/**
 * A hot-set snapshot as a dump source: the NDJSON written by `takeHotSetSnapshot`, restored with each key's TTL
 * minus the time since the snapshot (keys that would have expired by now are skipped as gone).
 */
export function snapshotSource(blobs: BlobServiceClient, container: string, blob: string, ttlForPersistent: () => number | null, now: () => number = Date.now): DumpSourceReader {
  const text = blobSource(blobs, container, blob, 'ndjson');
  return {
    kind: 'dump',
    describe: `snapshot ${container}/${blob}`,
    async *read(from) {
      const position = (from as TextPosition | null) ?? startOfText;
      let takenAt = Number.NaN;
      // The header carries the time of the snapshot; a resumed read fetches it again (one small ranged read).
      if (position.offset > 0) {
        for await (const batch of ndjsonLines(await text.open(startOfText), startOfText, 64 * 1024)) {
          takenAt = headerTime(batch.lines[0]);
          break;
        }
      }
      for await (const batch of ndjsonLines(await text.open(position), position, 1024 * 1024 * 1024)) {
        const records: DumpRecord[] = [];
        let gone = 0;
        for (const line of batch.lines) {
          if (line.line === 1) {
            takenAt = headerTime(line);
            continue;
          }
          const entry = JSON.parse(line.buf.toString('utf8', line.start, line.end)) as { k: string; d: string; t: number };
          let ttlMs: number | null = entry.t === -1 ? ttlForPersistent() : entry.t - Math.max(0, now() - takenAt);
          if (ttlMs !== null && ttlMs <= 0) {
            gone += 1;
            continue;
          }
          if (Number.isNaN(ttlMs)) ttlMs = entry.t;
          records.push({ key: Buffer.from(entry.k, 'base64'), dump: Buffer.from(entry.d, 'base64'), ttlMs });
        }
        yield { records, gone, position: batch.position };
      }
    },
    // The blob's size as its last ranged GET learned it; positions are the NDJSON byte offsets.
    sizeBytes: () => text.sizeBytes?.() ?? null,
  };
}

function headerTime(line: { buf: Buffer; start: number; end: number } | undefined): number {
  if (!line) return Number.NaN;
  const header = JSON.parse(line.buf.toString('utf8', line.start, line.end)) as Partial<SnapshotHeader>;
  if (!header.snapshot) throw new WarmFailure('source_malformed', 'the snapshot blob has no header line', false);
  return Date.parse(header.snapshot.takenAt);
}
