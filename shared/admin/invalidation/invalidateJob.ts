import type { DomainEvent } from '../../platform/events/catalogue';
import type { JobKind } from '../../platform/jobs/JobKind';
import type { CursorRecord, JobRecord } from '../../platform/jobs/JobRecord';
import { scanKeyspace, type ShardCursorState } from '../../platform/keyspace/scanKeyspace';
import type { InvalidateParams } from './invalidationRequest';
import { invalidationOperation } from './invalidationOperation';

/** Job kind `invalidate`: SCAN MATCH + pipelined UNLINK on every master; `Keys.Invalidated` when done. */
export const invalidateJob: JobKind = {
  name: 'invalidate',
  async runChunk(ctx) {
    const params = ctx.job.params as unknown as InvalidateParams;
    const result = await scanKeyspace(ctx, invalidationOperation(params.force === true), {
      pattern: params.pattern,
      scanCount: params.scanCount,
      keysPerSecondPerNode: params.keysPerSecondPerNode,
      latencyGuard: params.latencyGuard,
      maxKeys: params.maxKeys,
    });
    const skippedMessaging = ctx.cursors.reduce((sum, c) => sum + (c.counts['skippedMessaging'] ?? 0), 0);
    return { done: result.done, result: { limitReached: result.limitReached, guardBackoffs: result.guardBackoffs, ...(skippedMessaging > 0 ? { skippedMessaging } : {}) } };
  },
  completionEvents(job: JobRecord, cursors: readonly CursorRecord[]): DomainEvent[] {
    const params = job.params as unknown as InvalidateParams;
    const nodes = cursors.map((c) => {
      const state = c.state as unknown as ShardCursorState;
      return { node: `${state.shard}@${state.address.host}:${state.address.port}`, deletedCount: c.counts['deleted'] ?? 0, scannedCount: c.counts['scanned'] ?? 0, restarts: state.restarts };
    });
    return [
      {
        type: 'RedisClusterManager.Keys.Invalidated',
        data: {
          clusterId: job.clusterId,
          ...(job.namespace ? { namespace: job.namespace } : {}),
          pattern: params.pattern,
          jobId: job.id,
          deletedCount: nodes.reduce((sum, n) => sum + n.deletedCount, 0),
          scannedCount: nodes.reduce((sum, n) => sum + n.scannedCount, 0),
          completedAt: job.finishedAt ?? new Date().toISOString(),
          nodes,
          durationMs: Math.max(0, Date.now() - Date.parse(job.startedAt ?? job.createdAt)),
          limitReached: job.result?.['limitReached'] === true,
        },
      },
    ];
  },
};
