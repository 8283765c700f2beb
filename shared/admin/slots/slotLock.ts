import type { ControlPlane } from '../../platform/controlPlane';
import { jobLockTable, takeJobLock } from '../../platform/jobs/jobLock';
import type { JobStore } from '../../platform/jobs/JobStore';
import { conflict } from '../../platform/store/DomainError';

/**
 * One slot operation per cluster at a time: a job lock row per cluster (`takeJobLock`: conditional write, free again
 * once its job is final, so a crashed request or job never leaves it stuck). 409 `slot_operation_in_progress` names
 * the running job.
 */
export async function takeSlotLock(cp: ControlPlane, jobs: JobStore, clusterId: string, jobId: string): Promise<void> {
  await takeJobLock(await jobLockTable(cp, 'slotlocks'), jobs, 'lock', clusterId, jobId, {
    held: (holder, status) => conflict('slot_operation_in_progress', `cluster '${clusterId}' is already running slot operation ${holder} (${status}): wait for it or cancel it (POST /api/jobs/${holder}/cancel)`),
    contended: () => conflict('slot_operation_in_progress', `cluster '${clusterId}': another slot operation is being started right now`),
  });
}
