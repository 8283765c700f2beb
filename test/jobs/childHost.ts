import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { freePort } from '../../tools/local/index';
import { nodeTs, startProcess, type BackgroundProcess } from '../helpers/processes';
import { azuriteConnectionString } from '../helpers/storage';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
export type Json = any;

/** A local host in a child process (test/jobs/hostChild.ts), so a test can SIGKILL it and start another. */
export interface ChildHost {
  proc: BackgroundProcess;
  url: string;
}

/**
 * Starts and calls child hosts that share one app configuration: `settings` (plus the shared Azurite) become the
 * child's app settings, `apiKey` is sent on every call with the child's master key. The kill-and-resume suites
 * start one, kill it mid-job, and start a second that must finish the job.
 */
export function childHosts(options: { settings: Record<string, string>; apiKey: string; topicKey: string }) {
  const call = async (url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-functions-key': 'child-master-key-0123456789', 'x-api-key': options.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    async start(): Promise<ChildHost> {
      const port = await freePort();
      const [node, argv] = nodeTs(join(__dirname, 'hostChild.ts'), String(port), options.topicKey);
      const proc = startProcess(node, argv, { env: { ...process.env, RCM_CHILD_SETTINGS: JSON.stringify({ ...options.settings, AzureWebJobsStorage: azuriteConnectionString() }) } });
      const match = await proc.waitForOutput(/READY (\S+)/, 30_000);
      return { proc, url: match[1] as string };
    },
    /**
     * Polls job `jobId` on the host at `url` every 100 ms (at most a minute) until it is neither running nor queued,
     * running the sweeper whenever the lease has expired (the takeover a timer would do); returns the last job view.
     */
    async finishAfterTakeover(url: string, jobId: string): Promise<Json> {
      let job: Json;
      for (let i = 0; i < 600; i++) {
        job = (await call(url, 'GET', `/api/jobs/${jobId}`)).json;
        if (job.status !== 'running' && job.status !== 'queued') break;
        if (job.lease.expiresAt === null || Date.parse(job.lease.expiresAt) < Date.now()) await call(url, 'POST', '/admin/functions/jobSweeper', {});
        await sleep(100);
      }
      return job;
    },
    call,
  };
}
