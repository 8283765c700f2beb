import type { RegisteredFunction } from '../core/createCoreApi.js';
import { json, problem, type HostRequest, type HostResponse } from '../core/hostTypes.js';
import type { Invoker } from '../core/invokeFunction.js';
import { triggerBinding } from '../http/httpRoutes.js';
import { presentedKey, sameKey, type HostKeys } from '../http/keys.js';
import { eventId, parseEvents, type GridEvent } from './parseEvents.js';

export const eventGridWebhookPath = '/runtime/webhooks/eventgrid';

export interface WebhookDeps {
  functions: Map<string, RegisteredFunction>;
  keys: HostKeys;
  invoker: Invoker;
}

function invokeForEvent(fn: RegisteredFunction, triggerName: string, event: GridEvent, invoker: Invoker) {
  return invoker.invoke(fn, {
    inputData: [{ name: triggerName, data: { json: JSON.stringify(event) } }],
    triggerMetadata: {
      data: { json: JSON.stringify(event.data ?? null) },
    },
    reason: `EventGrid trigger fired at ${new Date().toISOString()} for event ${eventId(event)}`,
  });
}

/**
 * The webhook takes only the `eventgrid_extension` system key (or the master key), as `?code=` or `x-functions-key`,
 * like the real host: without it anyone who can reach the host (any web page, with a text/plain "simple" request)
 * could deliver forged events to subscribers that change data.
 */
export function checkEventGridWebhookKey(req: Pick<HostRequest, 'headers' | 'url'>, keys: HostKeys): HostResponse | undefined {
  const key = presentedKey(req);
  if (sameKey(key, keys.eventGridKey) || sameKey(key, keys.masterKey)) return undefined;
  return problem(401, 'Unauthorized', "The Event Grid webhook needs the 'eventgrid_extension' system key (?code= or x-functions-key)");
}

/**
 * `POST /runtime/webhooks/eventgrid?functionName=NAME` with the Event Grid extension's semantics:
 * `aeg-event-type` SubscriptionValidation / Notification / Unsubscribe, the CloudEvents OPTIONS
 * handshake, one invocation per event, 202 when all succeed and 500 when any fails.
 */
export async function handleEventGridWebhook(req: HostRequest, deps: WebhookDeps): Promise<HostResponse> {
  const refused = checkEventGridWebhookKey(req, deps.keys);
  if (refused) return refused;
  if (req.method === 'OPTIONS') {
    const origin = req.headers['webhook-request-origin'];
    if (!origin) return problem(400, 'MissingHeader', "OPTIONS needs the 'WebHook-Request-Origin' header (CloudEvents abuse protection)");
    return { status: 200, headers: { 'webhook-allowed-origin': origin, 'webhook-allowed-rate': '*' } };
  }
  if (req.method !== 'POST') {
    return problem(405, 'MethodNotAllowed', `${req.method} is not allowed on the Event Grid webhook`, {}, { allow: 'OPTIONS, POST' });
  }
  const functionName = req.url.searchParams.get('functionName');
  if (!functionName) return problem(400, 'MissingFunctionName', "query parameter 'functionName' is required");
  const fn = deps.functions.get(functionName.toLowerCase());
  const trigger = fn && triggerBinding(fn);
  if (!fn || !trigger || trigger[1].type?.toLowerCase() !== 'eventgridtrigger') {
    return problem(404, 'FunctionNotFound', `cannot find an Event Grid triggered function named '${functionName}'`);
  }

  const kind = req.headers['aeg-event-type'] ?? 'Notification';
  if (/^unsubscribe$/i.test(kind)) return { status: 202, headers: {} };
  const parsed = parseEvents(req.body, { allowSingle: true });
  if (!parsed.ok) return problem(400, 'InvalidEvents', parsed.message);

  if (/^subscriptionvalidation$/i.test(kind)) {
    const data = parsed.events[0]?.data as { validationCode?: unknown } | undefined;
    if (typeof data?.validationCode !== 'string') {
      return problem(400, 'InvalidEvents', "event[0] is missing required property 'data.validationCode'");
    }
    return json(200, { validationResponse: data.validationCode });
  }
  if (!/^notification$/i.test(kind)) {
    return problem(400, 'UnknownEventType', `unsupported aeg-event-type '${kind}'`);
  }

  const failed: { eventId: string; invocationId: string }[] = [];
  for (const event of parsed.events) {
    const outcome = await invokeForEvent(fn, trigger[0], event, deps.invoker);
    if (!outcome.ok) failed.push({ eventId: eventId(event), invocationId: outcome.invocationId });
  }
  if (failed.length > 0) {
    return problem(500, 'FunctionInvocationFailed', `${failed.length} of ${parsed.events.length} event(s) failed`, { failed });
  }
  return { status: 202, headers: {} };
}
