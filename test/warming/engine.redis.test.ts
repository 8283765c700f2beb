import { expect, it } from 'vitest';
import { runWarmChunk } from '../../shared/warming/runWarmChunk';
import { blobSource } from '../../shared/warming/sources/blobSource';
import { SourceError } from '../../shared/warming/sources/SourceError';
import type { TextSourceReader } from '../../shared/warming/sources/WarmSourceReader';
import type { WarmCounts } from '../../shared/warming/WarmCounts';
import { WarmWriter } from '../../shared/warming/WarmWriter';
import { writeTopology } from '../../shared/warming/writeTopology';
import { describeEachRedis, scanAll } from '../helpers/redis';
import { blobService, plan, targetOf, uploadBlob, warmAll } from './fixtures';

const ttlSeconds = 600;
const jitter = 20;

describeEachRedis('warm engine from Blob Storage', (ctx) => {
  const namespace = () => ({ keyPattern: `${ctx.prefix}user:*`, ttlSeconds, ttlJitterPercent: jitter });

  it('fills the namespace with values and jittered TTLs, keeps present keys (NX), reports bad lines by number', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 300; i++) lines.push(JSON.stringify({ id: `u${i}`, value: { name: `user ${i}` } }));
    lines[9] = '{"id": "u10", broken'; // line 10
    lines[19] = JSON.stringify({ id: 'u20', value: 'x'.repeat(2000) }); // line 20: over maxValueBytes
    lines[29] = JSON.stringify({ name: 'no id' }); // line 30
    const text = lines.join('\n') + '\n';
    const { container, blob } = await uploadBlob(text);
    await ctx.client.set(`${ctx.prefix}user:u5`, 'fresher', 'EX', 100);

    const p = plan({ source: { kind: 'blob', container, blob }, mapping: { key: `${ctx.prefix}user:{id}` }, maxValueBytes: 1000 });
    const { counts, chunks } = await warmAll({ target: targetOf(ctx.mode, ctx.seeds), plan: p, source: blobSource(blobService(), container, blob, 'ndjson'), namespace: namespace() });

    expect(counts).toMatchObject({ read: 300, written: 296, skipped: 1, failed: 3 });
    const errors = chunks.flatMap((c) => c.errors).map((e) => [e.line, e.code]);
    expect(errors).toEqual([
      [10, 'malformed_record'],
      [20, 'value_too_large'],
      [30, 'missing_key_field'],
    ]);
    expect(await ctx.client.get(`${ctx.prefix}user:u5`)).toBe('fresher');
    expect(await ctx.client.get(`${ctx.prefix}user:u7`)).toBe('{"name":"user 7"}');
    expect(await scanAll(ctx.client, `${ctx.prefix}user:*`)).toHaveLength(297);
    const ttls = await Promise.all(['u1', 'u100', 'u200', 'u300'].map((id) => ctx.client.pttl(`${ctx.prefix}user:${id}`)));
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan(ttlSeconds * 1000 - 5000);
      expect(ttl).toBeLessThanOrEqual(ttlSeconds * 1000 * (1 + jitter / 100));
    }
  });

  it('reads JSON arrays as a stream and resumes across chunks to the exact count', async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({ id: i, v: `value-${i}`, nested: { a: [1, { b: '}]"' }] } }));
    const text = '[\n' + items.map((x) => JSON.stringify(x)).join(',\n') + '\n]\n';
    const { container, blob } = await uploadBlob(text, 'source.json');
    const p = plan({ source: { kind: 'blob', container, blob, format: 'json-array' }, mapping: { key: `${ctx.prefix}user:{id}`, value: 'v' } });
    const { counts, chunks } = await warmAll({ target: targetOf(ctx.mode, ctx.seeds), plan: p, source: blobSource(blobService(), container, blob, 'json-array'), namespace: namespace(), maxMs: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(counts).toMatchObject({ read: 2000, written: 2000, failed: 0 });
    expect(await scanAll(ctx.client, `${ctx.prefix}user:*`)).toHaveLength(2000);
    expect(await ctx.client.get(`${ctx.prefix}user:1999`)).toBe('value-1999');
  });

  it('overwrite replaces present keys; version-compare keeps newer versions', async () => {
    const docs = [1, 2, 3].map((id) => JSON.stringify({ id, doc: { id, version: 5, name: `new ${id}` } }));
    const { container, blob } = await uploadBlob(docs.join('\n'));
    await ctx.client.set(`${ctx.prefix}user:1`, JSON.stringify({ version: 9, name: 'newer' }));
    await ctx.client.set(`${ctx.prefix}user:2`, JSON.stringify({ version: 1, name: 'older' }));
    const source = blobSource(blobService(), container, blob, 'ndjson');
    const vc = plan({ source: { kind: 'blob', container, blob }, mapping: { key: `${ctx.prefix}user:{id}`, value: 'doc', versionField: 'doc.version' }, writeMode: 'version-compare' });
    const r1 = await warmAll({ target: targetOf(ctx.mode, ctx.seeds), plan: vc, source, namespace: namespace() });
    expect(r1.counts).toMatchObject({ written: 2, skipped: 1 });
    expect(JSON.parse((await ctx.client.get(`${ctx.prefix}user:1`)) ?? '{}')).toMatchObject({ name: 'newer' });
    expect(JSON.parse((await ctx.client.get(`${ctx.prefix}user:2`)) ?? '{}')).toMatchObject({ name: 'new 2' });

    const ow = plan({ source: { kind: 'blob', container, blob }, mapping: { key: `${ctx.prefix}user:{id}`, value: 'doc' }, writeMode: 'overwrite' });
    const r2 = await warmAll({ target: targetOf(ctx.mode, ctx.seeds), plan: ow, source, namespace: namespace() });
    expect(r2.counts).toMatchObject({ written: 3, skipped: 0 });
    expect(JSON.parse((await ctx.client.get(`${ctx.prefix}user:1`)) ?? '{}')).toMatchObject({ name: 'new 1' });
  });

  it('checkpoint pieces: exact counts and a resumable position per piece while writing goes on, at most two pieces ahead', async () => {
    const total = 3000;
    const lines = Array.from({ length: total }, (_, i) => (i % 97 === 5 ? 'not json' : JSON.stringify({ id: i, value: `v${i}` })));
    const bytes = Buffer.from(lines.join('\n') + '\n');
    // Served 40 lines per stream chunk (a batch each), so pieces end inside the source, not at its end.
    let opens = 0;
    const source: TextSourceReader = {
      kind: 'text',
      format: 'ndjson',
      describe: 'memory',
      async open(from) {
        opens += 1;
        return (async function* () {
          for (let at = from.offset; at < bytes.length; ) {
            let end = at;
            for (let n = 0; n < 40 && end < bytes.length; n++) end = bytes.indexOf(10, end) + 1;
            yield bytes.subarray(at, end);
            at = end;
          }
        })();
      },
    };
    for (let i = 0; i < 3000; i += 250) await ctx.client.set(`${ctx.prefix}user:${i}`, 'present');
    const writer = new WarmWriter(await writeTopology(targetOf(ctx.mode, ctx.seeds)), { mode: 'nx', batchSize: 64 });
    await writer.connect();
    const pieces: { counts: WarmCounts; position: { offset: number; line: number }; addedWhenDone: number }[] = [];
    let added = 0;
    const counting = new Proxy(writer, { get: (w, name) => (name === 'addValue' || name === 'reject' ? (r: never) => (added++, w[name](r)) : Reflect.get(w, name, w)) });
    try {
      const p = plan({ source: { kind: 'blob', container: 'memory', blob: 'memory.ndjson' }, mapping: { key: `${ctx.prefix}user:{id}` }, maxFailedRatio: 0.1 });
      const result = await runWarmChunk({
        plan: p,
        namespace: namespace(),
        source,
        writer: counting,
        from: null,
        before: { written: 0, skipped: 0, failed: 0, bytes: 0, read: 0 },
        maxMs: 60_000,
        pieces: {
          maxRecords: 200,
          maxMs: 60_000,
          onPiece: async (piece) => {
            await new Promise((r) => setTimeout(r, 20)); // a slow checkpoint: reading must not run away from it
            pieces.push({ counts: piece.counts, position: piece.position as { offset: number; line: number }, addedWhenDone: added });
          },
        },
      });
      expect(opens).toBe(1);
      expect(result).toMatchObject({ done: true, counts: { read: total, written: total - 12 - 31, skipped: 12, failed: 31 } });
      expect(pieces.length).toBeGreaterThan(10);
      for (const piece of pieces) {
        const { read, written, skipped, failed } = piece.counts;
        // Every record up to the position has its outcome, none after it: the counts are those of lines 1..position.line.
        expect(read).toBe(piece.position.line);
        expect(bytes.subarray(0, piece.position.offset).toString().split('\n').length - 1).toBe(read);
        expect(failed).toBe(lines.slice(0, read).filter((l) => l === 'not json').length);
        expect(skipped).toBe(Math.ceil(read / 250));
        expect(written + skipped + failed).toBe(read);
        // Piece k + 2 waits for piece k's onPiece: never more than two pieces (and a batch) read past it.
        expect(piece.addedWhenDone - read).toBeLessThanOrEqual(2 * 200 + 40);
      }
      expect(await scanAll(ctx.client, `${ctx.prefix}user:*`)).toHaveLength(total - 31);
    } finally {
      writer.close();
    }
  });

  it('the write-ahead before the first write runs while the source opens: no write before it is stored; a failing one fails the chunk, writes nothing and closes the source', async () => {
    const body = Buffer.from(Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: i, value: `v${i}` })).join('\n') + '\n');
    const events: string[] = [];
    let closed = 0;
    const source: TextSourceReader = {
      kind: 'text',
      format: 'ndjson',
      describe: 'slow open',
      async open() {
        events.push('open started');
        await new Promise((r) => setTimeout(r, 100)); // a source's first round trip
        events.push('opened');
        return (async function* () {
          try {
            yield body;
          } finally {
            closed += 1;
          }
        })();
      },
    };
    const writer = new WarmWriter(await writeTopology(targetOf(ctx.mode, ctx.seeds)), { mode: 'nx' });
    await writer.connect();
    const keysNow = async () => (await scanAll(ctx.client, `${ctx.prefix}user:*`)).length;
    try {
      const p = plan({ source: { kind: 'blob', container: 'memory', blob: 'memory.ndjson' }, mapping: { key: `${ctx.prefix}user:{id}` } });
      const input = { plan: p, namespace: namespace(), source, writer, from: null, before: { written: 0, skipped: 0, failed: 0, bytes: 0, read: 0 }, maxMs: 60_000 };
      const result = await runWarmChunk({
        ...input,
        beforeFirstWrite: async () => {
          events.push('write-ahead started');
          await new Promise((r) => setTimeout(r, 150)); // the checkpoint's round trip
          events.push(`write-ahead stored, ${await keysNow()} keys in Redis`);
        },
      });
      expect(result.counts).toMatchObject({ read: 100, written: 100 });
      // Both round trips at once (the open is not added to the write-ahead), and no write before it was stored.
      expect(events).toEqual(['open started', 'write-ahead started', 'opened', 'write-ahead stored, 0 keys in Redis']);
      expect(await keysNow()).toBe(100);

      await Promise.all((await scanAll(ctx.client, `${ctx.prefix}user:*`)).map((key) => ctx.client.del(key)));
      const failing = await runWarmChunk({ ...input, beforeFirstWrite: () => Promise.reject(new Error('storage_unavailable: checkpoint refused')) }).catch((e: unknown) => e);
      expect(failing).toMatchObject({ message: 'storage_unavailable: checkpoint refused' });
      await new Promise((r) => setTimeout(r, 50));
      expect(await keysNow()).toBe(0);
      expect(closed).toBe(2);
    } finally {
      writer.close();
    }
  });

  it('a source that breaks for good fails the chunk with what was written (acknowledged) before it broke', async () => {
    const body = Buffer.from(Array.from({ length: 150 }, (_, i) => JSON.stringify({ id: i, value: `v${i}` })).join('\n') + '\n');
    let opens = 0;
    const source: TextSourceReader = {
      kind: 'text',
      format: 'ndjson',
      describe: 'flaky',
      async open(from) {
        opens += 1;
        if (from.offset > 0) throw new SourceError('flaky: ECONNRESET');
        return (async function* () {
          yield body.subarray(0, body.indexOf(10, body.length / 2) + 1);
          throw new SourceError('flaky: ECONNRESET');
        })();
      },
    };
    const writer = new WarmWriter(await writeTopology(targetOf(ctx.mode, ctx.seeds)), { mode: 'nx' });
    await writer.connect();
    try {
      const p = plan({ source: { kind: 'blob', container: 'memory', blob: 'memory.ndjson' }, mapping: { key: `${ctx.prefix}user:{id}` } });
      const error = await runWarmChunk({ plan: p, namespace: namespace(), source, writer, from: null, before: { written: 0, skipped: 0, failed: 0, bytes: 0, read: 0 }, maxMs: 60_000, retryBaseMs: 1, pieces: { maxRecords: 10, maxMs: 60_000, onPiece: async () => undefined } }).catch((e: unknown) => e);
      const written = (await scanAll(ctx.client, `${ctx.prefix}user:*`)).length;
      expect(written).toBeGreaterThan(0);
      expect(error).toMatchObject({ code: 'source_unreachable', counts: { written, read: written, failed: 0 } });
      expect(opens).toBe(4);
    } finally {
      writer.close();
    }
  });

  it('stops with error_budget_exceeded once too many records failed', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'not json' : JSON.stringify({ id: i, value: 'v' })));
    const { container, blob } = await uploadBlob(lines.join('\n'));
    const p = plan({ source: { kind: 'blob', container, blob }, mapping: { key: `${ctx.prefix}user:{id}` }, maxFailed: 10 });
    await expect(warmAll({ target: targetOf(ctx.mode, ctx.seeds), plan: p, source: blobSource(blobService(), container, blob, 'ndjson'), namespace: namespace() })).rejects.toMatchObject({
      code: 'error_budget_exceeded',
      message: expect.stringContaining('line 2: not valid JSON'),
    });
  });
});
