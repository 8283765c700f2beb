// azd project hook (azure.yaml): create the Event Grid subscriptions once the functions exist.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reprovisionSubscriptions } from './reprovisionSubscriptions';

const file = JSON.parse(readFileSync(join(process.cwd(), 'infra', 'eventgrid-subscriptions.json'), 'utf8')) as {
  subscriptions: unknown[];
};
const outcome = reprovisionSubscriptions(file.subscriptions.length, (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status ?? 1;
});
console.log(
  outcome === 'skipped'
    ? 'no Event Grid subscriptions declared in infra/eventgrid-subscriptions.json; nothing to create'
    : `Event Grid subscriptions created for ${file.subscriptions.length} declared entries`,
);
