import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';

/** The Table service's error code when the table itself is gone (as opposed to an entity: `ResourceNotFound`). */
const TABLE_NOT_FOUND = '"TableNotFound"';

/** Table-level calls (`/Tables`, `/Tables('name')`): a missing table is their answer, never a reason to create one. */
function isTableOperation(request: PipelineRequest): boolean {
  return /\/Tables(\('[^/]*'\))?$/.test(new URL(request.url).pathname);
}

function isBatch(request: PipelineRequest): boolean {
  return new URL(request.url).pathname.endsWith('/$batch');
}

/** A 404 whose body names `TableNotFound` (entity calls), or a batch whose changeset failed on it (202 + body). */
function tableWasMissing(request: PipelineRequest, response: PipelineResponse | undefined): boolean {
  if (!response) return false;
  const body = response.bodyAsText ?? '';
  if (response.status === 404) return body.includes(TABLE_NOT_FOUND);
  return isBatch(request) && response.status === 202 && body.includes(TABLE_NOT_FOUND);
}

/**
 * A per-call pipeline policy for one table's client: when an entity call or a batch finds its table missing, the
 * table is created again and the call is sent once more.
 *
 * Tables are created once per process (when its services are opened), so a table that disappears later — Azurite
 * killed within seconds of creating it loses tables it had not yet saved — used to make every later call of that
 * process answer 500 `TableNotFound` until a restart. Retrying is safe: the first call found no table, so it changed
 * nothing. Table-level calls (create, delete) pass through untouched; concurrent calls share one re-create.
 *
 * @param recreate creates the table (the SDK's `createTable`, which treats "already exists" as success)
 */
export function recreateMissingTablePolicy(recreate: () => Promise<void>): PipelinePolicy {
  let inFlight: Promise<void> | null = null;
  const recreateOnce = (): Promise<void> => {
    inFlight ??= recreate().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  return {
    name: 'rcmRecreateMissingTable',
    async sendRequest(request, next) {
      if (isTableOperation(request)) return next(request);
      let response: PipelineResponse | undefined;
      try {
        response = await next(request);
      } catch (error) {
        // The SDK's deserializer throws entity errors as RestError with the response attached.
        if (!tableWasMissing(request, (error as { response?: PipelineResponse }).response)) throw error;
        await recreateOnce();
        return next(request);
      }
      if (!tableWasMissing(request, response)) return response;
      await recreateOnce();
      return next(request);
    },
  };
}
