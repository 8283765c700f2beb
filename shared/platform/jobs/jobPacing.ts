import type { CursorRecord } from './JobRecord';

/** The pacing of a keyspace job over all its shards (`pacing` in the job view; each shard's own is `nodes[].pace`). */
export interface JobPacing {
  /** Keys acted on per second, summed over the shards still running (their last windows); null when none reports. */
  keysPerSecond: number | null;
  /** What bounds the job now: `latency-guard` or `rate-limit` when it holds back any running shard, else `none`. */
  binding: 'rate-limit' | 'latency-guard' | 'none';
  /** The guard over all shards: highest last PING (ms), back-offs and pause summed; null without a guard. */
  guard: { maxLatencyMs: number; lastLatencyMs: number | null; backoffs: number; pauseMs: number } | null;
  /** The per-node limit; null when unlimited. */
  rateLimit: { keysPerSecondPerNode: number } | null;
  /** Phase times summed over shards (ms; SCAN overlaps the previous batch's work, so they add up to more than the wall time). */
  timeMs: Record<string, number>;
}

interface ShardPaceShape {
  keysPerSecond: number | null;
  binding: JobPacing['binding'];
  guard: { maxLatencyMs: number; lastLatencyMs: number | null; backoffs: number; pauseMs: number } | null;
  rateLimit: { keysPerSecond: number } | null;
  timeMs: Record<string, number>;
}

/** The shard's `pace` (written by the keyspace engine into its cursor state), when it has one. */
export function paceOf(cursor: CursorRecord): ShardPaceShape | undefined {
  const pace = cursor.state['pace'];
  return pace && typeof pace === 'object' ? (pace as ShardPaceShape) : undefined;
}

/** Sums the shards' pace; undefined for jobs whose kind keeps none. */
export function jobPacing(cursors: readonly CursorRecord[]): JobPacing | undefined {
  const paced = cursors.flatMap((c) => {
    const pace = paceOf(c);
    return pace ? [{ pace, done: c.done }] : [];
  });
  if (paced.length === 0) return undefined;
  const running = paced.filter((p) => !p.done);
  const rates = running.map((p) => p.pace.keysPerSecond).filter((r): r is number => r !== null);
  const bindings = running.map((p) => p.pace.binding);
  const guards = paced.map((p) => p.pace.guard).filter((g) => g !== null);
  const first = paced[0]?.pace;
  const latencies = guards.map((g) => g.lastLatencyMs).filter((l): l is number => l !== null);
  const timeMs: Record<string, number> = {};
  for (const { pace } of paced) for (const [phase, ms] of Object.entries(pace.timeMs)) timeMs[phase] = (timeMs[phase] ?? 0) + ms;
  return {
    keysPerSecond: rates.length ? rates.reduce((a, b) => a + b, 0) : null,
    binding: bindings.includes('latency-guard') ? 'latency-guard' : bindings.includes('rate-limit') ? 'rate-limit' : 'none',
    guard: guards.length
      ? { maxLatencyMs: guards[0]?.maxLatencyMs ?? 0, lastLatencyMs: latencies.length ? Math.max(...latencies) : null, backoffs: guards.reduce((n, g) => n + g.backoffs, 0), pauseMs: guards.reduce((n, g) => n + g.pauseMs, 0) }
      : null,
    rateLimit: first?.rateLimit ? { keysPerSecondPerNode: first.rateLimit.keysPerSecond } : null,
    timeMs,
  };
}
