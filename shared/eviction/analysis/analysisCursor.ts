import type { CursorRecord } from '../../platform/jobs/JobRecord';
import type { NodeAddress } from '../../platform/redis/RedisTarget';
import type { AnalysisAggregate } from './AnalysisAggregate';

/** A master's cursor row: where its SCAN is and what it found so far (the aggregate merges chunk by chunk). */
export interface AnalysisCursorState {
  address: NodeAddress;
  name: string;
  /** Lowest slot of the shard (cluster) — names it across failovers; null standalone. */
  slot: number | null;
  /** Cluster node id of the master the cursor belongs to; a different owner of `slot` restarts the shard. */
  nodeId: string | null;
  /** Times the shard started over on a new master (failover). */
  restarts: number;
  cursor: string;
  dbsize: number;
  samples: number;
  aggregate: AnalysisAggregate;
}

/** The analysis state of a job cursor row. */
export function stateOf(cursor: CursorRecord): AnalysisCursorState {
  return cursor.state as unknown as AnalysisCursorState;
}
