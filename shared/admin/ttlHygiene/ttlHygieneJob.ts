import type { JobKind } from '../../platform/jobs/JobKind';
import { scanKeyspace } from '../../platform/keyspace/scanKeyspace';
import { expireWithoutTtl } from './expireWithoutTtl';
import type { TtlHygieneParams } from './ttlHygieneRequest';

/** Job kind `ttl-hygiene`: keys of a TTL namespace that have no TTL get one (with jitter); dry run counts them. */
export const ttlHygieneJob: JobKind = {
  name: 'ttl-hygiene',
  async runChunk(ctx) {
    const p = ctx.job.params as unknown as TtlHygieneParams;
    const result = await scanKeyspace(ctx, expireWithoutTtl(p.ttlSeconds, p.jitterPercent, p.dryRun, p.force === true), {
      pattern: p.pattern,
      scanCount: p.scanCount,
      keysPerSecondPerNode: p.keysPerSecondPerNode,
      latencyGuard: p.latencyGuard,
      maxKeys: null,
    });
    return { done: result.done, result: { dryRun: p.dryRun, guardBackoffs: result.guardBackoffs } };
  },
};
