import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { streamActionJob } from '../../shared/admin/messaging/streamActionJob';
import type { JobChunkContext } from '../../shared/platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../shared/platform/jobs/JobRecord';
import { JobStore } from '../../shared/platform/jobs/JobStore';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { describeEachRedis } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

/**
 * The real jobs table, with one holder (`victim`) stopped at the exact point where a trim's count is at risk: its
 * first write once the stream is down to `atLength` entries, i.e. right after the XTRIM that got it there and before
 * that batch's count is durable. `die`: nothing of the victim reaches the table from then on (kill -9). `dieAfter`:
 * that write lands, then the victim dies (nothing after it reaches Redis or the table). `pause`: the write waits for
 * `release()` (a holder frozen past its lease, then woken after another took over).
 */
class StoppingStore extends JobStore {
  private stopped = false;
  private landed = false;
  private resume: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.resume = resolve));

  constructor(
    store: JobStore,
    private readonly victim: string,
    private readonly mode: 'die' | 'dieAfter' | 'pause',
    private readonly streamLength: () => Promise<number>,
    private readonly atLength: number,
  ) {
    super(store.table);
  }

  get hasStopped(): boolean {
    return this.stopped;
  }

  release(): void {
    this.resume();
  }

  override async write(job: JobRecord, etag: string, cursors: readonly CursorRecord[] = []): Promise<string> {
    if (job.lease.owner === this.victim && !this.stopped && (await this.streamLength()) <= this.atLength) this.stopped = true;
    if (this.stopped && job.lease.owner === this.victim) {
      if (this.mode === 'die') throw new Error('test: holder killed');
      if (this.mode === 'dieAfter') {
        if (this.landed) throw new Error('test: holder killed');
        this.landed = true;
        await super.write(job, etag, cursors);
        throw new Error('test: holder killed');
      }
      await this.released;
    }
    return super.write(job, etag, cursors);
  }
}

const entries = 1000;
const batch = 100;
const settings = { chunkBudgetMs: 1500, leaseGraceMs: 100 };

describeEachRedis('stream trim count across dead and stale holders', (ctx) => {
  const setup = async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds, settings);
    const key = `${ctx.taggedPrefix}events`;
    for (let i = 0; i < entries; i += 100) {
      const p = ctx.client.pipeline();
      for (let j = i; j < i + 100; j++) p.xadd(key, '*', 'n', String(j));
      await p.exec();
    }
    const { job } = await bed.create({ kind: 'stream-action', params: { action: 'trim', keyBase64: Buffer.from(key).toString('base64'), dryRun: false, maxLen: 0, force: false, batch, entriesPerSecond: 1_000_000 } });
    const chunkAs = (owner: string, store: JobStore) => runJobChunk(job.id, { ...bed.rt, store, owner, log: () => undefined });
    const leaseExpired = async () => {
      for (;;) {
        const row = await bed.rt.store.get(job.id);
        if (!row || row.job.lease.expiresAt <= Date.now()) return;
        await sleep(Math.max(10, row.job.lease.expiresAt - Date.now() + 5));
      }
    };
    return { bed, key, job, chunkAs, leaseExpired, length: () => ctx.client.xlen(key) };
  };

  it('two holders killed right after an XTRIM, before its count was durable: the third one ends with removed exact', async () => {
    const { bed, job, chunkAs, leaseExpired, length } = await setup();
    // Killed after the 3rd batch, then the next holder after the 5th: two batches whose XTRIM reply died with them.
    for (const [owner, atLength] of [['holder-1', 700], ['holder-2', 500]] as const) {
      const store = new StoppingStore(bed.rt.store, owner, 'die', length, atLength);
      await expect(chunkAs(owner, store)).rejects.toThrow(/holder killed/);
      expect(store.hasStopped).toBe(true);
      expect(await length()).toBe(atLength);
      await leaseExpired();
    }
    const last = await chunkAs('holder-3', bed.rt.store);
    expect(last).toMatchObject({ outcome: 'ran', status: 'succeeded' });
    const done = await bed.jobs.get(job.id);
    expect([await length(), done.progress['removed']]).toEqual([0, entries]);
  });

  it('a holder frozen right after an XTRIM until its lease expired and another took over: removed exact, nothing counted twice', async () => {
    const { bed, job, chunkAs, leaseExpired, length } = await setup();
    const store = new StoppingStore(bed.rt.store, 'stale', 'pause', length, 600);
    const stale = chunkAs('stale', store);
    while (!store.hasStopped) await sleep(5);
    await leaseExpired();
    const next = await chunkAs('next', bed.rt.store);
    expect(next).toMatchObject({ outcome: 'ran', status: 'succeeded' });
    // The frozen holder wakes up: its write is refused (lease lost) and it stops without touching the count.
    store.release();
    expect(await stale).toEqual({ outcome: 'lease_lost' });
    const done = await bed.jobs.get(job.id);
    expect([await length(), done.progress['removed'], done.status]).toEqual([0, entries, 'succeeded']);
  });

  it('a holder killed between a written-ahead batch and its XTRIM: the next applies it and counts it; a group moved back in between stops it', async () => {
    const first = await setup();
    await expect(first.chunkAs('holder-1', new StoppingStore(first.bed.rt.store, 'holder-1', 'dieAfter', first.length, 700))).rejects.toThrow(/holder killed/);
    expect(await first.length()).toBe(700);
    await first.leaseExpired();
    expect(await first.chunkAs('holder-2', first.bed.rt.store)).toMatchObject({ outcome: 'ran', status: 'succeeded' });
    expect([await first.length(), (await first.bed.jobs.get(first.job.id)).progress['removed']]).toEqual([0, entries]);

    // Same death, then a group is created at the start of the stream: its entries must stay, the batch uncounted.
    const second = await setup();
    await expect(second.chunkAs('holder-1', new StoppingStore(second.bed.rt.store, 'holder-1', 'dieAfter', second.length, 700))).rejects.toThrow(/holder killed/);
    await ctx.client.xgroup('CREATE', second.key, 'late', '0');
    await second.leaseExpired();
    expect(await second.chunkAs('holder-2', second.bed.rt.store)).toMatchObject({ outcome: 'ran', status: 'succeeded' });
    const done = await second.bed.jobs.get(second.job.id);
    expect([await second.length(), done.progress['removed'], done.result?.['limitedByGroup']]).toEqual([700, 300, 'late']);
  });

  it('a holder whose pace wait ended past its deadline (the process stalled in it) starts no further batch', async () => {
    const { bed, job, length } = await setup();
    const cluster = await bed.cp.clusters.get(bed.clusterId);
    const params = { ...job.params, entriesPerSecond: 1000 }; // 100 tokens a bucket: every batch after the first waits 100 ms
    let deadline = Date.now() + 60_000;
    let saved: CursorRecord | undefined;
    const ctx: JobChunkContext = {
      job: { ...job, params },
      cursors: [],
      cluster,
      get deadline() {
        return deadline;
      },
      shouldStop: () => Date.now() >= deadline,
      checkpoint(records) {
        if (!saved) {
          // The first batch's write-ahead: 150 ms left, and the process stalls 40-290 ms from now, in the next wait.
          deadline = Date.now() + 150;
          setTimeout(() => {
            const until = Date.now() + 250;
            while (Date.now() < until);
          }, 40);
        }
        saved = structuredClone(records[0]);
        return Promise.resolve();
      },
      log: () => undefined,
    };
    expect(await streamActionJob.runChunk(ctx)).toMatchObject({ done: false });
    expect([await length(), saved?.counts['removed'], saved?.state]).toEqual([entries - batch, batch, {}]);
  });
});
