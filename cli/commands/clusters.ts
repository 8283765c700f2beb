import { readFileSync } from 'node:fs';
import type { ClusterResource, ClusterSpec } from '../../shared/platform/registry/clusterSpec';
import { CliError, exitCodes, usageError } from '../CliError';
import { noExtraPositionals, positional, printJson, stringFlag, type CommandContext, type CommandSpec } from '../Command';
import { formatTime } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';

const USAGE = ['clusters ls', 'clusters show CLUSTER', 'clusters add CLUSTER --mode MODE --endpoint HOST:PORT... [--tls] [--secret-env NAME]', 'clusters add CLUSTER --from-file SPEC.json', 'clusters rm CLUSTER'];

export const clustersCommand: CommandSpec = {
  usage: USAGE,
  description: 'Registered clusters. `add` registers one (refuses to replace an existing one unless --replace); `rm` removes a registration and its namespace policies (keys in Redis are untouched).',
  subcommands: ['ls', 'show', 'add', 'rm'],
  options: {
    mode: { type: 'string', valueName: '<mode>', description: 'standalone | cluster | azure-cache-for-redis | azure-managed-redis' },
    endpoint: { type: 'string', multiple: true, valueName: '<host:port>', description: 'a seed endpoint (repeat for several)' },
    tls: { type: 'boolean', description: 'connect with TLS' },
    servername: { type: 'string', valueName: '<name>', description: 'TLS SNI name (default: the first endpoint\'s host)' },
    username: { type: 'string', valueName: '<user>', description: 'ACL user name' },
    'secret-env': { type: 'string', valueName: '<NAME>', description: 'password from the app setting NAME (never the password itself)' },
    'secret-keyvault': { type: 'string', valueName: '<uri>', description: 'password from this Key Vault secret URI' },
    entra: { type: 'string', valueName: '<client-id>', description: 'Entra ID token auth with this managed identity' },
    'display-name': { type: 'string', valueName: '<text>', description: 'a human name' },
    label: { type: 'string', multiple: true, valueName: '<k=v>', description: 'a label (repeat for several)' },
    'from-file': { type: 'string', valueName: '<file>', description: 'the registration as JSON (ClusterSpec in the OpenAPI document); - reads stdin' },
    replace: { type: 'boolean', description: 'add: replace an existing registration' },
  },
  examples: ['rcm clusters ls', 'rcm clusters add cache1 --mode cluster --endpoint 10.0.0.4:6379 --endpoint 10.0.0.5:6379 --secret-env CACHE1_PASSWORD', 'rcm clusters rm cache1 --yes'],
  async run(ctx) {
    const sub = ctx.positionals[0] ?? 'ls';
    if (sub === 'ls' || sub === 'list') return list(ctx);
    if (sub === 'show') return show(ctx);
    if (sub === 'add') return add(ctx);
    if (sub === 'rm' || sub === 'remove') return remove(ctx);
    throw usageError(`unknown sub-command 'clusters ${sub}'`, `Usage: ${USAGE.map((u) => `rcm ${u}`).join(' | ')}`);
  },
};

async function list(ctx: CommandContext): Promise<number> {
  noExtraPositionals(ctx, 1, USAGE[0] ?? '');
  const { items } = await ctx.api().get<{ items: ClusterResource[] }>('/api/clusters');
  if (ctx.json) return printJson(ctx, items);
  printTable(
    ctx.out,
    [{ header: 'ID' }, { header: 'MODE' }, { header: 'ENDPOINTS' }, { header: 'TLS' }, { header: 'AUTH' }, { header: 'UPDATED' }, { header: 'NAME' }],
    items.map((c) => [ctx.out.color.bold(c.id), c.mode, c.endpoints.map((e) => `${e.host}:${e.port}`).join(','), c.tls.enabled ? 'yes' : 'no', c.secretRef.kind, formatTime(c.updatedAt), c.displayName ?? '']),
  );
  if (items.length === 0 && ctx.out.isTTY) ctx.out.err('No clusters registered. Register one: rcm clusters add <id> --mode cluster --endpoint <host:port>');
  return 0;
}

async function show(ctx: CommandContext): Promise<number> {
  const id = positional(ctx, 1, 'CLUSTER', USAGE[1] ?? '');
  noExtraPositionals(ctx, 2, USAGE[1] ?? '');
  const c = await ctx.api().get<ClusterResource>(`/api/clusters/${encodeURIComponent(id)}`);
  if (ctx.json) return printJson(ctx, c);
  const rows: Array<[string, string]> = [
    ['id', c.id],
    ['name', c.displayName ?? '-'],
    ['mode', c.mode],
    ['endpoints', c.endpoints.map((e) => `${e.host}:${e.port}`).join(' ')],
    ['tls', c.tls.enabled ? `yes${c.tls.servername ? ` (SNI ${c.tls.servername})` : ''}` : 'no'],
    ['username', c.username ?? '-'],
    ['secret', describeSecret(c.secretRef)],
    ['labels', Object.entries(c.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || '-'],
    ['version', String(c.version)],
    ['created', `${formatTime(c.createdAt)} by ${c.createdBy}`],
    ['updated', `${formatTime(c.updatedAt)} by ${c.updatedBy}`],
  ];
  printTable(ctx.out, [{ header: 'FIELD' }, { header: 'VALUE' }], rows);
  return 0;
}

function describeSecret(ref: ClusterSpec['secretRef']): string {
  switch (ref.kind) {
    case 'none':
      return 'none';
    case 'env':
      return `app setting ${ref.name}`;
    case 'keyVault':
      return `Key Vault ${ref.secretUri}`;
    case 'entra':
      return `Entra ID (client ${ref.clientId})`;
  }
}

function specFromFlags(ctx: CommandContext): Record<string, unknown> {
  const file = stringFlag(ctx.flags, 'from-file');
  if (file !== undefined) {
    const text = readFileSync(file === '-' ? 0 : file, 'utf8');
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw usageError(`--from-file ${file}: not JSON (${(err as Error).message})`);
    }
  }
  const mode = stringFlag(ctx.flags, 'mode');
  const endpoints = (ctx.flags.endpoint as string[] | undefined) ?? [];
  if (mode === undefined) throw usageError('missing --mode', `Usage: rcm ${USAGE[2] ?? ''}`);
  if (endpoints.length === 0) throw usageError('missing --endpoint HOST:PORT', `Usage: rcm ${USAGE[2] ?? ''}`);
  const secrets = ['secret-env', 'secret-keyvault', 'entra'].filter((f) => stringFlag(ctx.flags, f) !== undefined);
  if (secrets.length > 1) throw usageError(`--${secrets.join(' and --')} exclude each other: pick one secret reference`);
  const env = stringFlag(ctx.flags, 'secret-env');
  const kv = stringFlag(ctx.flags, 'secret-keyvault');
  const entra = stringFlag(ctx.flags, 'entra');
  const servername = stringFlag(ctx.flags, 'servername');
  const username = stringFlag(ctx.flags, 'username');
  const displayName = stringFlag(ctx.flags, 'display-name');
  const labels = Object.fromEntries(
    ((ctx.flags.label as string[] | undefined) ?? []).map((l) => {
      const eq = l.indexOf('=');
      if (eq <= 0) throw usageError(`--label '${l}' is not key=value`);
      return [l.slice(0, eq), l.slice(eq + 1)];
    }),
  );
  return {
    mode,
    endpoints: endpoints.map((e) => {
      const m = /^(.+):(\d+)$/.exec(e);
      if (!m) throw usageError(`--endpoint '${e}' is not HOST:PORT`);
      return { host: (m[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
    }),
    tls: { enabled: ctx.flags.tls === true, ...(servername ? { servername } : {}) },
    secretRef: env ? { kind: 'env', name: env } : kv ? { kind: 'keyVault', secretUri: kv } : entra ? { kind: 'entra', clientId: entra } : { kind: 'none' },
    ...(username ? { username } : {}),
    ...(displayName ? { displayName } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
  };
}

async function add(ctx: CommandContext): Promise<number> {
  const id = positional(ctx, 1, 'CLUSTER', USAGE[2] ?? '');
  noExtraPositionals(ctx, 2, USAGE[2] ?? '');
  const spec = specFromFlags(ctx);
  const replace = ctx.flags.replace === true;
  const answer = await ctx.api().call<ClusterResource>('PUT', `/api/clusters/${encodeURIComponent(id)}`, { body: spec, headers: replace ? {} : { 'if-none-match': '*' }, accept: [412] });
  if (answer.status === 412) {
    throw new CliError(exitCodes.conflict, 'Already registered', `cluster '${id}' exists; nothing was changed`, { code: 'precondition_failed', hint: `Replace it with: rcm clusters add ${id} ... --replace` });
  }
  if (ctx.json) return printJson(ctx, answer.body);
  const c = answer.body;
  ctx.out.line(`${answer.status === 201 ? 'Registered' : 'Updated'} cluster ${ctx.out.color.bold(c.id)} (${c.mode}, ${c.endpoints.map((e) => `${e.host}:${e.port}`).join(' ')}), version ${c.version}.`);
  return 0;
}

async function remove(ctx: CommandContext): Promise<number> {
  const id = positional(ctx, 1, 'CLUSTER', USAGE[4] ?? '');
  noExtraPositionals(ctx, 2, USAGE[4] ?? '');
  const api = ctx.api();
  const c = await api.get<ClusterResource>(`/api/clusters/${encodeURIComponent(id)}`);
  const { items } = await api.get<{ items: Array<{ namespace: string }> }>(`/api/clusters/${encodeURIComponent(id)}/namespaces`);
  await confirm(
    ctx,
    [`This removes the registration of cluster '${c.id}' (${c.mode}, ${c.endpoints.map((e) => `${e.host}:${e.port}`).join(' ')}) and its ${items.length} namespace polic${items.length === 1 ? 'y' : 'ies'}${items.length ? ` (${items.map((n) => n.namespace).join(', ')})` : ''}.`, 'Keys in Redis are not touched; the audit log stays readable.'],
    `Remove cluster '${c.id}'?`,
  );
  await api.call('DELETE', `/api/clusters/${encodeURIComponent(id)}`, { headers: { 'if-match': `"${c.version}"` } });
  if (ctx.json) return printJson(ctx, { removed: c.id });
  ctx.out.line(`Removed cluster ${c.id}.`);
  return 0;
}
