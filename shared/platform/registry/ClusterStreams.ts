import type { Principal } from '../auth/Principal';
import type { DomainEvent } from '../events/catalogue';
import { isConcurrencyError } from '../store/ConcurrencyError';
import { conflict } from '../store/DomainError';
import type { EventStore } from '../store/EventStore';
import type { Outbox } from '../store/Outbox';
import type { StoredEvent } from '../store/StoredEvent';
import { clusterStreamId } from '../store/streamId';
import { clusterStreamStateSchema, emptyClusterState, replayClusterStream, type ClusterStreamState } from './clusterStreamState';

/** Who is changing what, carried from the HTTP boundary into the audit log. */
export interface ChangeContext {
  principal: Principal;
  correlationId: string;
}

export interface LoadedStream {
  state: ClusterStreamState;
  version: number;
}

/** Retries of a write that lost a race; each retry re-reads and re-decides, so preconditions are checked again. */
const maxAttempts = 8;

/**
 * Reads and changes cluster streams. A change is `decide(state) → events`: re-run on the latest state whenever a
 * concurrent writer got in first, so unconditional writes all land (serialised, none lost) and conditional ones
 * (If-Match) fail with 412 once the resource moved on.
 */
export class ClusterStreams {
  constructor(
    readonly store: EventStore,
    private readonly outbox: Outbox,
  ) {}

  /** Current state from the head snapshot; replays the stream when the snapshot is missing or unreadable. */
  async load(clusterId: string): Promise<LoadedStream> {
    const head = await this.store.head(clusterStreamId(clusterId));
    if (head.version === 0) return { state: emptyClusterState, version: 0 };
    const snapshot = clusterStreamStateSchema.safeParse(head.snapshot);
    // The stream is the truth; a snapshot from an older release that no longer parses is rebuilt, not trusted.
    if (snapshot.success) return { state: snapshot.data, version: head.version };
    return this.replay(clusterId);
  }

  /** State rebuilt from every event of the stream. */
  async replay(clusterId: string): Promise<LoadedStream> {
    const events = await this.store.read(clusterStreamId(clusterId));
    return { state: replayClusterStream(events), version: events.at(-1)?.version ?? 0 };
  }

  /** Appends what `decide` returns (nothing = no-op), publishes it, and returns the new state. */
  async change(clusterId: string, context: ChangeContext, decide: (current: ClusterStreamState) => DomainEvent[]): Promise<{ state: ClusterStreamState; events: StoredEvent[] }> {
    for (let attempt = 1; ; attempt += 1) {
      const { state, version } = await this.load(clusterId);
      const events = decide(state);
      if (events.length === 0) return { state, events: [] };
      let next = state;
      try {
        const stored = await this.store.append(clusterStreamId(clusterId), version, events, {
          ...context,
          snapshot: (appended) => (next = replayClusterStream(appended, state)),
        });
        await this.outbox.publishNow(stored);
        return { state: next, events: stored };
      } catch (error) {
        if (!isConcurrencyError(error)) throw error;
        if (attempt >= maxAttempts) throw conflict('concurrency_conflict', `cluster '${clusterId}' is being changed concurrently; retry`);
        // Jittered backoff, so a crowd of writers spreads out instead of colliding again on the next version.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  /**
   * Records events of other areas (jobs, warming, alerts, eviction) in the cluster's stream: audited, published
   * through the outbox, and ignored by the registration projection. Returns them as stored.
   */
  async record(clusterId: string, context: ChangeContext, events: DomainEvent[]): Promise<StoredEvent[]> {
    return (await this.change(clusterId, context, () => events)).events;
  }

  /** States of every cluster stream (one query over head rows). */
  async *all(): AsyncIterable<ClusterStreamState> {
    for await (const head of this.store.heads('cluster-')) {
      const snapshot = clusterStreamStateSchema.safeParse(head.snapshot);
      yield snapshot.success ? snapshot.data : (await this.replay(head.streamId.slice('cluster-'.length))).state;
    }
  }
}
