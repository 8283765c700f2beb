import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sweepJobs } from '../../shared/platform/jobs/sweepJobs';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { connectStandalone, keyPrefix, closeClient } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

// A job resumed by the sweeper (its holder died, or its Job.Queued event never came) continues the job's trace:
// the real OpenTelemetry SDK with its in-memory exporter, real Azurite and redis-server.
const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();

afterAll(() => redisConnections.closeAll());

const seeds = () => [{ host: inject('redisStandalone').host, port: inject('redisStandalone').port }];
const inTrace = <T>(traceId: string, spanId: string, fn: () => Promise<T>) =>
  context.with(trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true }), fn);

describe('the sweeper continues a job’s trace', () => {
  it('a job whose start event never came runs under the trace of the request that created it, linked to the sweep', async () => {
    const bed = await jobTestbed('standalone', seeds());
    const prefix = keyPrefix();
    const redis = connectStandalone();
    try {
      const p = redis.pipeline();
      for (let i = 0; i < 100; i++) p.set(`${prefix}u:${i}`, 'v');
      await p.exec();
    } finally {
      await closeClient(redis);
    }
    await bed.namespace('users', { keyPattern: `${prefix}u:*` });
    const requestTrace = 'e5'.repeat(16);
    const requestSpan = 'f6'.repeat(8);
    const { job } = await inTrace(requestTrace, requestSpan, () =>
      bed.create({ kind: 'invalidate', namespace: 'users', params: { pattern: `${prefix}u:*`, maxKeys: 1e9, keysPerSecondPerNode: null, latencyGuard: null, scanCount: 200 } }),
    );
    expect(job.traceparent).toBe(`00-${requestTrace}-${requestSpan}-01`);

    // The sweeper's timer invocation is its own trace.
    const sweepTrace = '17'.repeat(16);
    const sweepSpan = '28'.repeat(8);
    const result = await inTrace(sweepTrace, sweepSpan, () => sweepJobs({ ...bed.rt, log: () => undefined }));
    expect(result.resumed.find((r) => r.jobId === job.id)?.result).toMatchObject({ outcome: 'ran', status: 'succeeded' });

    const chunk = exporter.getFinishedSpans().find((s) => s.name === 'job.chunk invalidate' && s.attributes['rcm.job.id'] === job.id);
    expect(chunk?.spanContext().traceId).toBe(requestTrace);
    expect(chunk?.parentSpanContext?.spanId).toBe(requestSpan);
    expect(chunk?.links.map((l) => l.context.spanId)).toEqual([sweepSpan]);
  });

  it('a chunk resumed after its holder died continues under the dead chunk’s span, and a leased job records its chunk’s trace', async () => {
    const bed = await jobTestbed('standalone', seeds());
    const prefix = keyPrefix();
    await bed.namespace('users', { keyPattern: `${prefix}u:*` });
    const { job } = await inTrace('39'.repeat(16), '4a'.repeat(8), () =>
      bed.create({ kind: 'invalidate', namespace: 'users', params: { pattern: `${prefix}u:*`, maxKeys: 1e9, keysPerSecondPerNode: null, latencyGuard: null, scanCount: 200 } }),
    );
    // A holder took the lease under its chunk span and died: its lease has expired.
    const loaded = await bed.rt.store.load(job.id);
    if (!loaded) throw new Error('job missing');
    const deadChunk = '5b'.repeat(8);
    await bed.rt.store.write({ ...loaded.job, status: 'running', chunks: 1, traceparent: `00-${'39'.repeat(16)}-${deadChunk}-01`, lease: { owner: 'dead', token: 1, expiresAt: Date.now() - 1 } }, loaded.etag);

    await inTrace('6c'.repeat(16), '7d'.repeat(8), () => sweepJobs({ ...bed.rt, log: () => undefined }));
    const chunk = exporter.getFinishedSpans().find((s) => s.name === 'job.chunk invalidate' && s.attributes['rcm.job.id'] === job.id);
    expect(chunk?.spanContext().traceId).toBe('39'.repeat(16));
    expect(chunk?.parentSpanContext?.spanId).toBe(deadChunk);
    const after = await bed.rt.store.load(job.id);
    expect(after?.job.traceparent).toBe(`00-${'39'.repeat(16)}-${chunk?.spanContext().spanId}-01`);
  });
});
