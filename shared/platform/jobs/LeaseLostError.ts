/**
 * A checkpoint was refused because another invocation took the job's lease (ours expired) or the job was
 * finished elsewhere. The holder must stop at once without touching Redis again: its work is continued from the
 * last checkpoint by the new holder.
 */
export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
  constructor(jobId: string, reason: string) {
    super(`job ${jobId}: lease lost (${reason})`);
    this.name = 'LeaseLostError';
  }
}

export function isLeaseLostError(error: unknown): error is LeaseLostError {
  return error instanceof Error && error.name === 'LeaseLostError';
}
