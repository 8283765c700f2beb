import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../shared/platform/auth/Principal';
import { controlPlane, type ControlPlane } from '../../shared/platform/controlPlane';
import type { JobChunkContext } from '../../shared/platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../shared/platform/jobs/JobRecord';
import { LeaseLostError } from '../../shared/platform/jobs/LeaseLostError';
import type { ClusterResource } from '../../shared/platform/registry/clusterSpec';
import { warmPlanSchema } from '../../shared/platform/registry/warmPlan';
import { warmJob } from '../../shared/warming/warmJob';
import type { WarmCursorState, WarmJobParams } from '../../shared/warming/warmJobParams';
import { connectStandalone, keyPrefix, scanAll } from '../helpers/redis';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { uploadBlob } from './fixtures';

// A holder that dies right after the checkpoint of a piece ending at a record longer than the line limit: the next
// holder must count that record once, never read its tail as a record, and name the same failing lines as a run
// that was never interrupted.
const operator: Principal = { id: 'otto', kind: 'api-key', role: 'operator' };
const change = { principal: operator, correlationId: 'warm-long-line-test' };
let cp: ControlPlane;

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  process.env['STATE_TABLE_PREFIX'] = uniqueTableName('warmlong');
  process.env['WARM_BLOB_CONTAINERS'] = 'warm-*';
  cp = await controlPlane();
});

const total = 30_000;
/** Line 20,000 (where the first 20,000-record piece ends) is 150 KB of blanks and then a valid record. */
const longLine = 20_000;
const bad = [5, 20_003, 25_000];

function sourceText(): string {
  const lines: string[] = [];
  for (let i = 1; i <= total; i++) {
    if (i === longLine) lines.push(' '.repeat(150_000) + '{"id":"ghost","value":"boo"}');
    else if (bad.includes(i)) lines.push('not json');
    else lines.push(`{"id":${i},"value":"v-${i}"}`);
  }
  return lines.join('\n') + '\n';
}

async function warmJobOn(prefix: string, container: string, blob: string) {
  const clusterId = `wl-${process.pid}-${prefix.replace(/[^a-z0-9]/gi, '').slice(-12)}`;
  const { host, port } = inject('redisStandalone');
  await cp.clusters.put(clusterId, { mode: 'standalone', endpoints: [{ host, port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
  const cluster = (await cp.clusters.get(clusterId)) as ClusterResource;
  // maxValueBytes 1000: records over 2 × 1000 + 64 KiB are skipped as too long.
  const plan = warmPlanSchema.parse({ source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` }, maxValueBytes: 1000 });
  const params: WarmJobParams = { namespace: 'ns', keyPattern: `${prefix}*`, ttlSeconds: 600, ttlJitterPercent: 0, policyVersion: 1, plan, reason: 'manual', dryRun: false };
  const job = { id: `job-${clusterId}`, kind: 'warm', clusterId, params, createdBy: operator, chunks: 0, failedChunks: 0 } as unknown as JobRecord;
  const saved = new Map<string, CursorRecord>();
  /** One chunk as a holder runs it; `dieAfter` makes the holder die once a checkpoint it says so about is durable. */
  const chunk = (dieAfter?: (record: CursorRecord) => boolean) => {
    const ctx: JobChunkContext = {
      job,
      cursors: [...saved.values()],
      cluster,
      deadline: Date.now() + 20_000,
      shouldStop: () => false,
      async checkpoint(records) {
        for (const r of records) saved.set(r.id, structuredClone(r));
        if (records.some((r) => dieAfter?.(r))) throw new LeaseLostError(job.id, 'test: the holder died after this checkpoint');
      },
      log: () => undefined,
    };
    return warmJob.runChunk(ctx);
  };
  const finish = async () => {
    for (let i = 0; i < 10; i++) {
      const outcome = await chunk();
      if ('status' in outcome) throw new Error(`warm failed: ${outcome.reason}`);
      if (outcome.done) break;
    }
    const cursor = saved.get('source') as CursorRecord;
    expect(cursor.done).toBe(true);
    return { counts: cursor.counts, lines: (cursor.state as unknown as WarmCursorState).errors.map((e) => [e.line, e.code]) };
  };
  return { chunk, finish, saved };
}

describe('a warm resumed after a record longer than the line limit', () => {
  it('counts that record once and names the same failing lines as an uninterrupted run', async () => {
    const { container, blob } = await uploadBlob(sourceText());
    const redis = connectStandalone();

    const whole = keyPrefix('long-whole');
    const reference = await (await warmJobOn(whole, container, blob)).finish();
    const expectedLines = [[5, 'malformed_record'], [longLine, 'value_too_large'], [20_003, 'malformed_record'], [25_000, 'malformed_record']];
    expect(reference.lines).toEqual(expectedLines);
    expect(reference.counts).toMatchObject({ read: total, written: total - 4, skipped: 0, failed: 4 });
    expect(await redis.exists(`${whole}ghost`)).toBe(0);

    // The holder dies once the first piece (20,000 records: it ends with the long line) is checkpointed.
    const resumed = keyPrefix('long-resumed');
    const job = await warmJobOn(resumed, container, blob);
    const died = await job.chunk((r) => (r.counts['read'] ?? 0) >= longLine && (r.state as unknown as WarmCursorState).open === true).then(() => 'finished', (e: unknown) => String(e));
    expect(died).toMatch(/died after this checkpoint/);
    const atDeath = job.saved.get('source') as CursorRecord;
    expect(atDeath.counts['read']).toBeLessThan(total);
    const { counts, lines } = await job.finish();

    // Soft: a failure shows every count that is wrong, not only the first.
    expect.soft(lines).toEqual(expectedLines);
    expect.soft(counts['read']).toBe(total);
    expect.soft(counts['failed']).toBe(4);
    expect.soft(counts['skipped']).toBe(0);
    // What the dead holder wrote after its checkpoint comes back present: uncounted, within the bound.
    expect.soft(counts['written']! + (counts['uncounted'] ?? 0)).toBe(total - 4);
    expect.soft(await redis.exists(`${resumed}ghost`)).toBe(0);
    expect(await scanAll(redis, `${resumed}*`)).toHaveLength(total - 4);
  }, 60_000);
});
