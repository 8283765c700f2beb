import type { CommandSpec, OptionSpec } from './Command';

/** A command as the entry point knows it before loading it: its one-line summary and a lazy loader. */
export interface CommandEntry {
  summary: string;
  load: () => CommandSpec;
}

/* eslint-disable @typescript-eslint/no-require-imports -- require() on purpose: in this CommonJS build a lazy
   import() starts Node's ESM loader, ~20 ms of CPU that `rcm <command>` would pay on every run. */
/**
 * Every command. Modules load only when their command runs, so `rcm --help` starts in a few tens of ms
 * (docs/cli.md "Cold start").
 */
export const commandTable: Record<string, CommandEntry> = {
  clusters: { summary: 'List, register, show or remove clusters (ls|add|show|rm)', load: () => (require('./commands/clusters.js') as typeof import('./commands/clusters.js')).clustersCommand },
  topology: { summary: 'Nodes, roles, slots, replication, keys and memory of a cluster', load: () => (require('./commands/topology.js') as typeof import('./commands/topology.js')).topologyCommand },
  check: { summary: 'redis-cli --cluster check, plus the manager\'s own findings and fixes', load: () => (require('./commands/check.js') as typeof import('./commands/check.js')).checkCommand },
  reshard: { summary: 'Move slots to a master (redis-cli --cluster reshard): the plan, a question, a job', load: () => (require('./commands/reshard.js') as typeof import('./commands/reshard.js')).reshardCommand },
  rebalance: { summary: 'Balance the masters by slots, keys, memory or ops/s (redis-cli --cluster rebalance): the plan, a question, a job', load: () => (require('./commands/rebalance.js') as typeof import('./commands/rebalance.js')).rebalanceCommand },
  fix: { summary: 'Finish open slots without losing a key (redis-cli --cluster fix): the plan, a question, a job', load: () => (require('./commands/fix.js') as typeof import('./commands/fix.js')).fixCommand },
  'add-node': { summary: 'Add an empty node as a master or a replica (redis-cli --cluster add-node): checks, plan, a job', load: () => (require('./commands/addNode.js') as typeof import('./commands/addNode.js')).addNodeCommand },
  'del-node': { summary: 'Remove a node: drain its slots, forget it everywhere, reset it (redis-cli --cluster del-node)', load: () => (require('./commands/delNode.js') as typeof import('./commands/delNode.js')).delNodeCommand },
  failover: { summary: 'CLUSTER FAILOVER on a replica (--force/--takeover as admin): plan with lag, a job', load: () => (require('./commands/failover.js') as typeof import('./commands/failover.js')).failoverCommand },
  ns: { summary: 'Namespace policies of a cluster (ls|show|set|rm)', load: () => (require('./commands/ns.js') as typeof import('./commands/ns.js')).nsCommand },
  invalidate: { summary: 'Delete a namespace\'s keys: throttled SCAN + UNLINK as a job', load: () => (require('./commands/invalidate.js') as typeof import('./commands/invalidate.js')).invalidateCommand },
  warm: { summary: 'Run a namespace\'s warm plan as a job', load: () => (require('./commands/warm.js') as typeof import('./commands/warm.js')).warmCommand },
  hygiene: { summary: 'Give keys without TTL the namespace TTL, as a job', load: () => (require('./commands/hygiene.js') as typeof import('./commands/hygiene.js')).hygieneCommand },
  analyze: { summary: 'Memory, keys and TTLs by namespace, and the eviction-policy recommendation', load: () => (require('./commands/analyze.js') as typeof import('./commands/analyze.js')).analyzeCommand },
  hotkeys: { summary: 'Hot keys: the hottest keys per node with bounds (duty-cycled MONITOR or OBJECT FREQ), and hot_key/hot_node findings', load: () => (require('./commands/hotkeys.js') as typeof import('./commands/hotkeys.js')).hotkeysCommand },
  eviction: { summary: 'Show or apply the eviction policy (show|apply)', load: () => (require('./commands/eviction.js') as typeof import('./commands/eviction.js')).evictionCommand },
  jobs: { summary: 'List, watch or cancel jobs (ls|watch|cancel)', load: () => (require('./commands/jobs.js') as typeof import('./commands/jobs.js')).jobsCommand },
  events: { summary: 'The audit log of a cluster (--follow to keep reading)', load: () => (require('./commands/events.js') as typeof import('./commands/events.js')).eventsCommand },
  alerts: { summary: 'Firing and pending alerts of a cluster', load: () => (require('./commands/alerts.js') as typeof import('./commands/alerts.js')).alertsCommand },
  streams: { summary: 'Streams, queues and Pub/Sub of a cluster: groups, pending, lag, subscribers', load: () => (require('./commands/streams.js') as typeof import('./commands/streams.js')).streamsCommand },
  top: { summary: 'Live per-node stats, refreshed every second (redis-cli --stat for every node)', load: () => (require('./commands/top.js') as typeof import('./commands/top.js')).topCommand },
  login: { summary: 'Save a target (URL and keys) as a named profile', load: () => (require('./commands/login.js') as typeof import('./commands/login.js')).loginCommand },
  profiles: { summary: 'List, select or remove saved profiles (ls|use|rm)', load: () => (require('./commands/profiles.js') as typeof import('./commands/profiles.js')).profilesCommand },
  completion: { summary: 'Print a shell completion script (bash|zsh)', load: () => (require('./commands/completion.js') as typeof import('./commands/completion.js')).completionCommand },
};

/** Flags every command takes. */
export const globalOptions: Record<string, OptionSpec> = {
  url: { type: 'string', valueName: '<url>', description: 'admin API base URL (env RCM_URL; default http://localhost:7071)' },
  'function-key': { type: 'string', valueName: '<key>', description: 'Functions key, header x-functions-key (env RCM_FUNCTION_KEY)' },
  'api-key': { type: 'string', valueName: '<key>', description: 'role-bearing API key, header x-api-key (env RCM_API_KEY)' },
  profile: { type: 'string', short: 'p', valueName: '<name>', description: 'saved profile to use (env RCM_PROFILE; default: the current one)' },
  json: { type: 'boolean', description: 'print JSON (the API\'s answer) instead of text' },
  'no-color': { type: 'boolean', description: 'no colour (also NO_COLOR=1)' },
  yes: { type: 'boolean', short: 'y', description: 'do not ask before destructive changes (for scripts)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};
