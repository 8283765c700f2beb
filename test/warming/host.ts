import { join } from 'node:path';
import { freePort } from '../../tools/local/index';
import { nodeTs, startProcess, type BackgroundProcess } from '../helpers/processes';

export const adminKey = 'warm-e2e-admin-key-0123456789';
export const operatorKey = 'warm-e2e-operator-key-0123456789';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
export type Json = any;

/** The real app (dist/) in a local Functions host of its own process (test/jobs/hostChild.ts), so it can be killed. */
export async function startHostChild(settings: Record<string, string>): Promise<{ proc: BackgroundProcess; url: string }> {
  const port = await freePort();
  const [node, argv] = nodeTs(join(__dirname, '..', 'jobs', 'hostChild.ts'), String(port), 'warm-e2e-topic-key-0123');
  const proc = startProcess(node, argv, { env: { ...process.env, RCM_CHILD_SETTINGS: JSON.stringify({ API_KEYS: `ada:admin:${adminKey};otto:operator:${operatorKey}`, ...settings }) } });
  const match = await proc.waitForOutput(/READY (\S+)/, 30_000);
  return { proc, url: match[1] as string };
}

/** One admin API call with the function (master) key and an API key. */
export async function call(url: string, method: string, path: string, body?: unknown, as: 'admin' | 'operator' = 'admin'): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-functions-key': 'child-master-key-0123456789', 'x-api-key': as === 'admin' ? adminKey : operatorKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Polls the job until it is final (running the sweeper when its lease lapsed, as the timer would). */
export async function waitForJob(url: string, jobId: string, timeoutMs = 60_000): Promise<Json> {
  const until = Date.now() + timeoutMs;
  let job: Json;
  while (Date.now() < until) {
    job = (await call(url, 'GET', `/api/jobs/${jobId}`)).json;
    if (job.status !== 'running' && job.status !== 'queued') return job;
    if (job.lease?.expiresAt === null || Date.parse(job.lease?.expiresAt) < Date.now()) await call(url, 'POST', '/admin/functions/jobSweeper', {});
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} still ${job?.status} after ${timeoutMs} ms`);
}

/** Audit events of a cluster of one type, oldest first. */
export async function eventsOf(url: string, clusterId: string, type: string): Promise<Json[]> {
  const audit = await call(url, 'GET', `/api/clusters/${clusterId}/events?limit=200`);
  return (audit.json.items as Json[]).filter((e) => e.type === `RedisClusterManager.${type}`).reverse();
}
