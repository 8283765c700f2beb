/**
 * The real app (dist/, as `npm start` runs it) in a local Functions host of its own process, so a test can
 * SIGKILL it mid-job. argv: <port> <topicKey>; settings come from the RCM_CHILD_SETTINGS JSON env var.
 * Prints `READY <url>` once listening.
 */
import { resolve } from 'node:path';
import { startHost } from '../../tools/host';

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const topicKey = process.argv[3] ?? 'topic-key-0123456789';
  const settings = JSON.parse(process.env['RCM_CHILD_SETTINGS'] ?? '{}') as Record<string, string>;
  const host = await startHost({
    appDir: resolve(__dirname, '..', '..'),
    port,
    settings,
    topicKey,
    keys: { functionKey: 'child-function-key-0123456789', masterKey: 'child-master-key-0123456789' },
    log: (line) => {
      if (/job|error|Error/.test(line)) console.log(line);
    },
  });
  process.env['EVENTGRID_TOPIC_ENDPOINT'] = host.topic.endpoint;
  process.env['EVENTGRID_TOPIC_KEY'] = host.topic.key;
  console.log(`READY ${host.url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
