import { resolve } from 'node:path';
import { startHost } from '../tools/host';
import { freePort } from '../tools/local/index';

/** A call to the host's API as the bench's admin key (master key as function key): status and JSON body. */
export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>;

const functionKey = 'bench-function-key-0123456789';
const masterKey = 'bench-master-key-0123456789';

/**
 * The local Functions host inside the bench process (it can start once per process), on its own tables of
 * `connectionString`, with one admin key. Its jobs publish through EVENTGRID_TOPIC_* of this process, which are
 * removed again on stop, so a later scenario's `npm start` child does not inherit a topic that is gone (its job
 * events went nowhere and its jobs waited for the sweeper).
 */
export async function startInProcessHost(options: { connectionString: string; tablePrefix: string; apiKey: string; topicKey: string }): Promise<{ call: Call; stop(): Promise<void> }> {
  const host = await startHost({
    appDir: resolve(__dirname, '..', '..'),
    port: await freePort(),
    settings: { AzureWebJobsStorage: options.connectionString, STATE_TABLE_PREFIX: `${options.tablePrefix}${Date.now().toString(36)}`, API_KEYS: `b:admin:${options.apiKey}` },
    topicKey: options.topicKey,
    keys: { functionKey, masterKey },
    log: () => undefined,
  });
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  const call: Call = async (method, path, body) => {
    const res = await fetch(`${host.url}${path}`, {
      method,
      headers: { 'x-functions-key': masterKey, 'x-api-key': options.apiKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return {
    call,
    async stop() {
      await host.stop();
      delete process.env['EVENTGRID_TOPIC_ENDPOINT'];
      delete process.env['EVENTGRID_TOPIC_KEY'];
    },
  };
}
