import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';

/** A step failed for good (the job fails with `code`), not a transient error (those are thrown and retried). */
export class StepFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StepFailed';
  }
}

/** One durable step of a node saga. */
export interface NodeStep<P> {
  name: string;
  /**
   * One attempt, idempotent (it may run again after a crash or in the next chunk): true once the step holds,
   * otherwise what it is still waiting for. Throws `StepFailed` when waiting cannot help.
   */
  attempt(run: { connection: RedisConnection; params: P; attempt: number; result: Record<string, unknown> }): Promise<true | string>;
  /** Time the step may wait in all (summed over chunks and resumes) before the job fails with `code`. */
  boundMs(params: P): number;
  timeoutCode: string;
}
