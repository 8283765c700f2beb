/**
 * The app from source (functions/*.ts through tsx) in a local Functions host of its own process, so an attack test
 * can measure the host's memory and send it raw HTTP. argv: <port>; settings from the RCM_CHILD_SETTINGS JSON env
 * var. The Event Grid key is the host's own (generated, as under `npm start`). Prints `READY <url>` once listening.
 */
import { resolve } from 'node:path';
import { startHost } from '../../tools/host';
import { securityKeys } from './securityKeys';

async function main(): Promise<void> {
  const settings = JSON.parse(process.env['RCM_CHILD_SETTINGS'] ?? '{}') as Record<string, string>;
  const host = await startHost({
    appDir: resolve(__dirname, '..', '..'),
    entryFiles: ['functions/*.ts'],
    port: Number(process.argv[2]),
    settings,
    keys: { functionKey: securityKeys.function, masterKey: securityKeys.master },
    log: (line) => {
      if (/rror|WARN|warn|ignored|skipped/.test(line)) console.log(line);
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
