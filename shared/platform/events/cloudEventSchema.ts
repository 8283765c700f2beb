import { z } from 'zod';
import { validateEventData, type DomainEvent } from './catalogue';

/**
 * The CloudEvents 1.0 envelope as it travels through Event Grid (JSON format). Extension attributes the manager
 * adds: `correlationid` (request that caused it), `principal` (who), `streamversion` (version in the event store, so
 * subscribers can order events of one cluster; delivery is unordered), and the distributed tracing extension
 * (`traceparent`, `tracestate`) of the request that caused it.
 */
export const cloudEventEnvelopeSchema = z.looseObject({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(256),
  source: z.string().min(1).max(1024),
  type: z.string().min(1).max(256),
  subject: z.string().max(1024).optional(),
  time: z.iso.datetime({ offset: true }).optional(),
  datacontenttype: z.string().optional(),
  dataschema: z.string().optional(),
  data: z.unknown(),
  correlationid: z.string().max(128).optional(),
  principal: z.string().max(256).optional(),
  streamversion: z.union([z.int(), z.string().regex(/^\d+$/)]).optional(),
  traceparent: z.string().max(512).optional(),
  tracestate: z.string().max(512).optional(),
});
export type CloudEventEnvelope = z.infer<typeof cloudEventEnvelopeSchema>;

/** A received event whose envelope and data both validated. */
export type ReceivedEvent = CloudEventEnvelope & DomainEvent;

/**
 * Validates an incoming CloudEvent (subscribers call this first). Unknown types and malformed data are rejected
 * with one line that names the event id and the field, so the log says exactly what was refused.
 */
export function parseCloudEvent(raw: unknown): { ok: true; event: ReceivedEvent } | { ok: false; problem: string } {
  const envelope = cloudEventEnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    return { ok: false, problem: `event is not a CloudEvent 1.0: '${issue?.path.join('.') ?? ''}' ${issue?.message ?? ''}` };
  }
  const data = validateEventData(envelope.data.type, envelope.data.data);
  if (!data.ok) return { ok: false, problem: `event ${envelope.data.id} rejected: ${data.problem}` };
  return { ok: true, event: { ...envelope.data, ...data.event } as ReceivedEvent };
}
