/** Runs a command and returns its exit code (injected so the sequence can be tested without azd). */
export type RunCommand = (command: string, args: readonly string[]) => number;

/** The azd environment variable main.parameters.json maps to `deployEventSubscriptions`. */
export const deploySubscriptionsVariable = 'RCM_DEPLOY_EVENT_SUBSCRIPTIONS';

/**
 * Event Grid subscriptions with an AzureFunction destination can only be created once the functions are deployed,
 * so after `azd deploy` this re-provisions with `deployEventSubscriptions=true`, then turns it off again: the next
 * `azd provision` (before a deploy that may add functions) must not try to subscribe functions that don't exist yet.
 * Incremental ARM deployments keep existing subscriptions. Skips everything when none are declared.
 */
export function reprovisionSubscriptions(declaredCount: number, run: RunCommand): 'skipped' | 'provisioned' {
  if (declaredCount === 0) return 'skipped';
  const set = (value: string): number => run('azd', ['env', 'set', deploySubscriptionsVariable, value]);
  if (set('true') !== 0) throw new Error(`could not set ${deploySubscriptionsVariable}=true in the azd environment`);
  let provisioned: number;
  try {
    provisioned = run('azd', ['provision', '--no-prompt']);
  } finally {
    set('false');
  }
  if (provisioned !== 0) throw new Error(`azd provision with Event Grid subscriptions failed (exit ${provisioned})`);
  return 'provisioned';
}
