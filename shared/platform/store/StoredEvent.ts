import type { Principal } from '../auth/Principal';
import type { DomainEvent } from '../events/catalogue';

/** An event as recorded in the store: the audit log entry (who, when, why) around a typed domain event. */
export type StoredEvent = DomainEvent & {
  /** Unique id; also the CloudEvent id, so subscribers dedupe on it. */
  id: string;
  streamId: string;
  /** 1-based, gap-free, increasing within the stream. */
  version: number;
  /** ISO-8601 UTC time the append was accepted. */
  time: string;
  principal: Principal;
  correlationId: string;
  /** W3C `traceparent` of the span that appended it (absent with telemetry off): its CloudEvent continues that trace. */
  traceparent?: string;
};
