import { TableClient } from '@azure/data-tables';
import type { Principal } from '../../shared/platform/auth/Principal';
import type { ClusterSpec } from '../../shared/platform/registry/clusterSpec';
import type { StoredEvent } from '../../shared/platform/store/StoredEvent';
import { loadJobKind, type JobWorkerRuntime } from '../../shared/app/jobKinds';
import { JobService, type NewJob } from '../../shared/platform/jobs/JobService';
import { JobStore } from '../../shared/platform/jobs/JobStore';
import { runJobChunk, type ChunkRunResult } from '../../shared/platform/jobs/runJobChunk';
import type { NamespacePolicySpec } from '../../shared/platform/registry/namespacePolicy';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { testControlPlane } from '../controlplane/api';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

export const operator: Principal = { id: 'otto', kind: 'api-key', role: 'operator' };
let counter = 0;

/** A control plane + jobs table on fresh tables of the shared Azurite, with one registered cluster. */
export async function jobTestbed(mode: 'standalone' | 'cluster', seeds: { host: string; port: number }[], settings: Partial<JobWorkerRuntime['settings']> = {}) {
  const cp = await testControlPlane();
  const table = TableClient.fromConnectionString(azuriteConnectionString(), uniqueTableName('jobs'), { allowInsecureConnection: true });
  await table.createTable();
  const rt: JobWorkerRuntime = { cp, store: new JobStore(table), settings: { chunkBudgetMs: 20_000, leaseGraceMs: 2_000, maxFailedChunks: 3, ...settings }, kinds: loadJobKind };
  const clusterId = `c-${process.pid}-${counter++}`;
  const change = { principal: operator, correlationId: 'test' };
  const spec: ClusterSpec = { mode, endpoints: seeds, tls: { enabled: false }, secretRef: { kind: 'none' } };
  await cp.clusters.put(clusterId, spec, change);
  const jobs = new JobService(rt);
  return {
    cp,
    rt,
    clusterId,
    jobs,
    async namespace(ns: string, policy: Partial<NamespacePolicySpec> & { keyPattern: string }) {
      // Set up by an admin: protecting a namespace is an admin's decision.
      await cp.namespaces.put(clusterId, ns, { ttlSeconds: null, ttlJitterPercent: 0, priority: 50, protected: false, warmPlan: null, ...policy }, { ...change, principal: { ...operator, id: 'ada', role: 'admin' } });
    },
    create: (job: Omit<NewJob, 'clusterId'>) => jobs.create({ ...job, clusterId }, change),
    /** Runs chunks (as the event chain would) until the job is final; returns every chunk's outcome. */
    async runToEnd(jobId: string, maxChunks = 200, log: (message: string) => void = () => undefined): Promise<ChunkRunResult[]> {
      const results: ChunkRunResult[] = [];
      for (let i = 0; i < maxChunks; i++) {
        const result = await runJobChunk(jobId, { ...rt, log });
        results.push(result);
        if (result.outcome !== 'ran' || result.status !== 'running') return results;
      }
      throw new Error(`job ${jobId} not finished after ${maxChunks} chunks`);
    },
    async events(): Promise<StoredEvent[]> {
      return cp.store.read(clusterStreamId(clusterId));
    },
  };
}
