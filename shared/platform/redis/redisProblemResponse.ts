import type { ApiResponse } from '../http/ApiRequest';
import type { ResponseDoc } from '../http/RouteDoc';
import { problemResponse } from '../http/problem';
import { isRedisAccessError } from './redisErrors';

/**
 * Wraps a route handler so a `RedisAccessError` answers 503 (422 for a refused command) with the problem's
 * `code` plus what an operator needs: the cluster id, the circuit state and `Retry-After`. Other errors go on
 * to the toolkit's mapping unchanged.
 */
export async function withRedisProblems(handle: () => Promise<ApiResponse>): Promise<ApiResponse> {
  try {
    return await handle();
  } catch (error) {
    if (!isRedisAccessError(error)) throw error;
    const status = error.kind === 'unprocessable' ? 422 : 503;
    const retry = error.details.retryAfterSeconds ?? (error.details.circuit?.retryAfterMs !== undefined ? Math.ceil(error.details.circuit.retryAfterMs / 1000) : undefined);
    const response = problemResponse(status, error.code, error.message, [], retry !== undefined && status === 503 ? { 'retry-after': String(Math.max(1, retry)) } : {});
    const body = JSON.parse(response.body ?? '{}') as Record<string, unknown>;
    body['clusterId'] = error.details.clusterId;
    if (error.details.circuit) body['circuit'] = error.details.circuit;
    return { ...response, body: JSON.stringify(body) };
  }
}

/** The 503 of {@link withRedisProblems}, for route descriptions. */
export const redisUnavailableDoc: ResponseDoc = {
  description: 'the cluster is unreachable, times out, is busy or its circuit is open (code, clusterId, circuit state, Retry-After)',
  headers: { 'Retry-After': 'seconds before trying again' },
};
