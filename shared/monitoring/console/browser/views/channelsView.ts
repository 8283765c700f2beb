import { ApiProblem, call, get, problemText } from '../api';
import type { AppContext, View } from '../app';
import { confirmAction, formDialog } from '../dialog';
import { actionButton, empty, h, table } from '../dom';
import { formatTime } from '../format';
import { permission } from '../permissions';
import { formatRoute } from '../route';

/** A secret reference as the API stores and returns it: the setting's name or the Key Vault URI, never the value. */
type SecretRef = { kind: 'env'; name: string } | { kind: 'keyVault'; secretUri: string };

interface Channel {
  name: string;
  kind: 'webhook' | 'teams' | 'slack';
  displayName?: string;
  enabled: boolean;
  url: SecretRef;
  signingSecret?: SecretRef;
  routes: Array<{ clusters: string[]; minSeverity: string; families?: string[] }>;
  allowPrivateNetworks: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

interface DeadLetter { noticeKey: string; eventId: string; eventType: string; clusterId: string; attempts: number; lastStatus: number | null; reason: string; failedAt: string; body: string }

export const refText = (ref: SecretRef | undefined): string => (ref === undefined ? '–' : ref.kind === 'env' ? `setting ${ref.name}` : `Key Vault ${ref.secretUri}`);
const routeText = (r: Channel['routes'][number]): string => `${r.clusters.join(', ')} · ${r.minSeverity}+ · ${r.families?.join(', ') ?? 'all families'}`;

/** A reference from the form: `env:NAME` style inputs kept apart as a kind select and a value. */
function refFrom(kind: string, value: string): SecretRef {
  return kind === 'keyVault' ? { kind: 'keyVault', secretUri: value.trim() } : { kind: 'env', name: value.trim() };
}

/**
 * Notification channels (`/api/notification-channels`): the list with each channel's routes and secret references
 * (the API never returns a URL or a key, only where they are kept), create / edit / delete for admins (If-Match /
 * If-None-Match, so two admins never overwrite each other), and per channel its dead letters (`#/channels/{name}`).
 */
export class ChannelsView implements View {
  readonly el = h('section', { class: 'view channels', 'aria-labelledby': 'channels-title' });

  constructor(
    private readonly ctx: AppContext,
    private readonly channel: string | undefined,
  ) {}

  async refresh(): Promise<void> {
    const may = permission(this.ctx.role, 'editChannels');
    const channels = (await get<{ items: Channel[] }>('/notification-channels')).items;
    const letters = this.channel ? await get<{ items: DeadLetter[] }>(`/notification-channels/${this.channel}/dead-letters`).catch((e: unknown) => (e instanceof ApiProblem && e.status === 404 ? null : Promise.reject(e))) : null;
    this.el.replaceChildren(
      h('div', { class: 'cluster-head' }, h('a', { href: '#/', class: 'back' }, '← Fleet'), h('h2', { id: 'channels-title' }, 'Notification channels')),
      h('p', { class: 'summary' }, 'Where alerts, failed jobs and failed warms are sent. URLs and signing keys are secret references (an app setting or a Key Vault secret): the console, like the API, only ever shows where they are kept.'),
      h('div', { class: 'actions' }, actionButton('New channel…', may, () => void this.edit(null), { 'data-action': 'new-channel', class: 'primary' })),
      channels.length === 0
        ? empty('No channel yet: nothing is sent anywhere.')
        : table(
            'Notification channels',
            ['Channel', 'Kind', 'Enabled', 'Routes', 'URL', 'Signing key', 'Private networks', 'Changed', 'Actions'],
            channels.map((c) => [
              h('a', { href: formatRoute({ view: 'channels', channel: c.name }), 'data-channel': c.name }, c.displayName ? `${c.displayName} (${c.name})` : c.name),
              c.kind,
              c.enabled ? 'yes' : h('span', { class: 'pill warning' }, 'disabled'),
              h('ul', { class: 'plain' }, ...c.routes.map((r) => h('li', {}, routeText(r)))),
              h('code', {}, refText(c.url)),
              c.kind === 'webhook' ? h('code', {}, refText(c.signingSecret)) : '–',
              c.allowPrivateNetworks ? 'allowed' : 'no',
              `${formatTime(c.updatedAt)} by ${c.updatedBy} (v${c.version})`,
              h(
                'span',
                { class: 'actions' },
                actionButton('Edit…', may, () => void this.edit(c), { 'data-action': 'edit-channel', 'data-channel': c.name }),
                actionButton('Delete…', may, () => void this.remove(c), { 'data-action': 'delete-channel', 'data-channel': c.name, class: 'danger' }),
              ),
            ]),
          ),
      this.channel ? this.deadLetters(this.channel, letters) : h('p', { class: 'muted' }, 'Open a channel to see its dead letters.'),
    );
  }

  private deadLetters(name: string, letters: { items: DeadLetter[] } | null): HTMLElement {
    if (letters === null) return h('div', { class: 'dead-letters' }, h('h3', {}, `Dead letters of ${name}`), empty(`There is no channel '${name}'.`));
    return h(
      'div',
      { class: 'dead-letters' },
      h('h3', { id: 'dead-letters-title' }, `Dead letters of ${name}`),
      letters.items.length === 0
        ? empty('None: every message was accepted (or is still being retried).')
        : table(
            `Dead letters of ${name}`,
            ['Failed at', 'Event', 'Cluster', 'Attempts', 'Last status', 'Reason', 'Message'],
            letters.items.map((d) => [formatTime(d.failedAt), d.eventType.replace(/^RedisClusterManager\./, ''), d.clusterId, String(d.attempts), d.lastStatus === null ? 'no answer' : String(d.lastStatus), d.reason, h('details', {}, h('summary', {}, 'body'), h('pre', { class: 'body' }, d.body))]),
            [3, 4],
          ),
    );
  }

  /** Create (`channel` null: If-None-Match *) or replace (If-Match its version) a channel. */
  private async edit(channel: Channel | null): Promise<void> {
    const field = (label: string, input: HTMLElement, hint?: string) => h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
    const refKind = (name: string, ref: SecretRef | undefined) => h('select', { name, id: `channel-${name}` }, h('option', { value: 'env', selected: ref?.kind !== 'keyVault' }, 'app setting'), h('option', { value: 'keyVault', selected: ref?.kind === 'keyVault' }, 'Key Vault secret URI'));
    const refValue = (ref: SecretRef | undefined) => (ref === undefined ? '' : ref.kind === 'env' ? ref.name : ref.secretUri);
    const kind = h('select', { name: 'kind', id: 'channel-kind', disabled: channel !== null }, ...['webhook', 'teams', 'slack'].map((k) => h('option', { value: k, selected: k === (channel?.kind ?? 'webhook') }, k)));
    const values = await formDialog(
      channel ? `Edit channel ${channel.name}` : 'New notification channel',
      [
        channel ? h('p', {}, `Channel `, h('code', {}, channel.name), ` (${channel.kind}, version ${channel.version})`) : field('Name (a-z, 0-9, -)', h('input', { name: 'name', id: 'channel-name', required: true, pattern: '[a-z0-9][a-z0-9\\-]{0,62}', maxlength: 63 })),
        channel ? null : field('Kind', kind),
        field('Display name', h('input', { name: 'displayName', id: 'channel-display-name', maxlength: 100, value: channel?.displayName ?? '' })),
        field('Enabled', h('input', { name: 'enabled', id: 'channel-enabled', type: 'checkbox', checked: channel?.enabled ?? true })),
        field('URL is kept in', refKind('urlKind', channel?.url)),
        field('… named', h('input', { name: 'urlRef', id: 'channel-url-ref', required: true, maxlength: 512, value: refValue(channel?.url) }), 'the setting name (e.g. NOTIFY_TEAMS_URL) or the secret URI: never the URL itself'),
        field('Signing key is kept in (webhook)', refKind('signingKind', channel?.signingSecret)),
        field('… named', h('input', { name: 'signingRef', id: 'channel-signing-ref', maxlength: 512, value: refValue(channel?.signingSecret) }), 'webhooks only: HMAC-SHA256 key reference'),
        field('Routes (JSON)', h('textarea', { name: 'routes', id: 'channel-routes', rows: 4, spellcheck: 'false' }, JSON.stringify(channel?.routes ?? [{ clusters: ['*'], minSeverity: 'warning' }], null, 1)), 'clusters (ids, prefix*, *), minSeverity (info|warning|critical), families (alert, job, warm, slots)'),
        field('Allow private networks', h('input', { name: 'allowPrivateNetworks', id: 'channel-private', type: 'checkbox', checked: channel?.allowPrivateNetworks ?? false }), 'for a receiver inside the network'),
      ].filter((e) => e !== null) as HTMLElement[],
      'Save',
    );
    if (!values) return;
    const name = channel?.name ?? String(values.get('name') ?? '');
    const chosenKind = channel?.kind ?? String(values.get('kind') ?? 'webhook');
    let routes: unknown;
    try {
      routes = JSON.parse(String(values.get('routes') ?? '[]'));
    } catch {
      this.ctx.notify('error', 'Nothing saved', 'Routes is not valid JSON');
      return;
    }
    const displayName = String(values.get('displayName') ?? '').trim();
    const body: Record<string, unknown> = {
      kind: chosenKind,
      ...(displayName ? { displayName } : {}),
      enabled: values.get('enabled') !== null,
      url: refFrom(String(values.get('urlKind')), String(values.get('urlRef') ?? '')),
      routes,
      allowPrivateNetworks: values.get('allowPrivateNetworks') !== null,
    };
    if (chosenKind === 'webhook') body['signingSecret'] = refFrom(String(values.get('signingKind')), String(values.get('signingRef') ?? ''));
    try {
      await call('PUT', `/notification-channels/${encodeURIComponent(name)}`, body, channel ? { 'if-match': `"${channel.version}"` } : { 'if-none-match': '*' });
      this.ctx.notify('ok', `Channel ${name} saved`);
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 412) this.ctx.notify('error', channel ? 'Changed by someone else — reload' : `A channel '${name}' exists already`, channel ? `Channel ${name} changed after you opened it; nothing was saved. The list now shows the current version.` : 'Nothing was saved; edit that channel instead.');
      else this.ctx.notify('error', ...problemText(error));
    }
    this.ctx.refreshSoon();
  }

  private async remove(channel: Channel): Promise<void> {
    const ok = await confirmAction({ title: `Delete channel ${channel.name}?`, body: ['Nothing is sent to it any more; its dead letters stay readable until they expire.'], confirmLabel: `Delete ${channel.name}`, typeToConfirm: channel.name, danger: true });
    if (!ok) return;
    try {
      await call('DELETE', `/notification-channels/${channel.name}`, undefined, { 'if-match': `"${channel.version}"` });
      this.ctx.notify('ok', `Channel ${channel.name} deleted`);
      if (this.channel === channel.name) this.ctx.go({ view: 'channels' });
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 412) this.ctx.notify('error', 'Changed by someone else — reload', `Channel ${channel.name} changed after this list was read; nothing was deleted.`);
      else this.ctx.notify('error', ...problemText(error));
    }
    this.ctx.refreshSoon();
  }

  destroy(): void {}
}
