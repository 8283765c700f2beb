import type { CursorRecord } from '../../platform/jobs/JobRecord';
import type { NodeAddress } from '../../platform/redis/RedisTarget';
import type { SpaceSavingState } from './SpaceSaving';

/** What the server offers besides MONITOR, found by COMMAND INFO (never run here: redis-server 7.0 has neither). */
export interface ServerHotStats {
  /** `CLUSTER SLOT-STATS` (Valkey 8.0+, Redis 8.2+). */
  slotStats: boolean;
  /** A `HOTKEYS` command (newer Redis); detected and named in the report, not used (see docs). */
  hotkeys: boolean;
}

/** One master's radar state, checkpointed after every window (a cursor row). */
export interface HotkeysCursorState {
  address: NodeAddress;
  name: string;
  nodeId: string | null;
  slot: number | null;
  method: 'monitor' | 'lfu';
  policy: string;
  server: ServerHotStats;
  /** Epoch ms the radar ends on this node. */
  endsAt: number;
  /** Epoch ms the next window may start (duty cycle). */
  nextWindowAt: number;
  summary: SpaceSavingState;
  windows: number;
  monitoredMs: number;
  bytesRead: number;
  maxWindowBytes: number;
  commands: number;
  reads: number;
  writes: number;
  stops: { time: number; bytes: number; latency: number; error: number };
  lastError?: string;
  /** INFO `total_commands_processed` at the first and the latest reading, for the node's ops/s. */
  opsFirst: { at: number; total: number } | null;
  opsLast: { at: number; total: number } | null;
  /** LFU path: SCAN cursor, keys probed, the highest OBJECT FREQ seen (key, freq), and the cross-check window. */
  lfu?: { cursor: string; scanned: number; done: boolean; top: Array<{ key: string; freq: number }> };
  /** CLUSTER SLOT-STATS rows when the server has it: slot and its metrics. */
  slotStats?: Array<Record<string, number>>;
}

export const stateOf = (cursor: CursorRecord): HotkeysCursorState => cursor.state as unknown as HotkeysCursorState;
