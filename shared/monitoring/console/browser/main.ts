import { ApiProblem, get, storeApiKey, storedApiKey, useBearer } from './api';
import type { AppContext, View } from './app';
import { h } from './dom';
import { formatAgo, formatTime } from './format';
import { entra, entraConfig } from './entraClient';
import type { EntraConfig } from './entraTypes';
import { formatRoute, parseRoute, type Route } from './route';
import type { Me } from './types';
import { ChannelsView } from './views/channelsView';
import { ClusterView } from './views/clusterView';
import { FleetView } from './views/fleetView';

/**
 * The console's entry (bundled by esbuild into `console.js`): sign-in, the hash router, and the refresh loop that
 * re-reads the current view every few seconds without rebuilding it (no reload, no flicker) and says since when a
 * view is stale when a refresh fails.
 */
/** Refresh period; `rcm-refresh-ms` in session storage overrides it (tests, demos). @default 5000 */
const refreshMs = Math.max(500, Number(sessionStorage.getItem('rcm-refresh-ms') ?? '5000') || 5000);
const main = document.getElementById('main') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;
const messages = document.getElementById('messages') as HTMLElement;

let view: View | null = null;
let timer: number | undefined;
let lastOk: number | null = null;
let refreshing = false;

const ctx: AppContext = {
  role: null,
  principal: null,
  go(route: Route) {
    location.hash = formatRoute(route);
  },
  notify(kind, title, detail) {
    const item = h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('strong', {}, title), detail ? h('p', {}, detail) : null, h('button', { type: 'button', class: 'close', 'aria-label': 'dismiss', onclick: () => item.remove() }, '×'));
    messages.replaceChildren(item);
  },
  refreshSoon() {
    void refresh();
  },
};

function showStatus(): void {
  const now = Date.now();
  status.classList.toggle('stale', lastOk !== null && now - lastOk > refreshMs * 2.5);
  if (lastOk === null) status.textContent = 'loading…';
  else if (now - lastOk > refreshMs * 2.5) status.textContent = `stale since ${formatTime(lastOk)} (${formatAgo(lastOk, now)})`;
  else status.textContent = `live · updated ${new Date(lastOk).toLocaleTimeString()}`;
}

async function refresh(): Promise<void> {
  if (!view || refreshing) return;
  refreshing = true;
  const current = view;
  try {
    await current.refresh();
    if (current === view) {
      lastOk = Date.now();
      document.body.dataset['loaded'] = 'true';
      status.title = '';
    }
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) {
      signIn(`${error.title}: ${error.detail}`);
      return;
    }
    status.title = error instanceof Error ? error.message : String(error);
    if (lastOk === null) ctx.notify('error', 'Could not load this view', status.title);
  } finally {
    refreshing = false;
    showStatus();
  }
}

function mount(): void {
  const route = parseRoute(location.hash);
  view?.destroy();
  view = route.view === 'fleet' ? new FleetView(ctx, route.sort) : route.view === 'channels' ? new ChannelsView(ctx, route.channel) : new ClusterView(ctx, route.clusterId, route.section);
  main.replaceChildren(view.el);
  document.title = `${route.view === 'fleet' ? 'Fleet' : route.view === 'channels' ? `Notification channels${route.channel ? ` · ${route.channel}` : ''}` : `${route.clusterId} · ${route.section}`} — Redis Cluster Manager`;
  lastOk = null;
  delete document.body.dataset['loaded'];
  void refresh();
}

/** Session storage item saying this tab signed in with Entra (the tokens are in MSAL's own cache next to it). */
const entraItem = 'rcm-auth-entra';

/** Forgets the Entra sign-in of this tab (only loads MSAL when the tab had signed in with it). */
function forgetEntra(): void {
  useBearer(null);
  if (sessionStorage.getItem(entraItem) === null) return;
  sessionStorage.removeItem(entraItem);
  void entraConfig().then(async (config) => {
    if (config) await (await entra()).signOut(config);
  });
}

/** Entra sign-in is active: calls carry the token MSAL keeps fresh. */
function useEntra(config: EntraConfig): void {
  sessionStorage.setItem(entraItem, '1');
  useBearer(async () => (await entra()).token(config));
}

function signIn(reason?: string): void {
  window.clearInterval(timer);
  view?.destroy();
  view = null;
  storeApiKey(null);
  forgetEntra();
  const microsoft = h('div', { class: 'entra', id: 'entra-signin' });
  void entraConfig().then((config) => {
    if (!config) return;
    const button = h('button', { type: 'button', class: 'primary', 'data-action': 'entra-signin' }, 'Sign in with Microsoft');
    button.addEventListener('click', () => {
      button.disabled = true;
      void (async () => {
        try {
          await (await entra()).signIn(config);
          useEntra(config);
          await start();
        } catch (error) {
          button.disabled = false;
          ctx.notify('error', 'Microsoft sign-in failed', error instanceof Error ? error.message : String(error));
        }
      })();
    });
    microsoft.replaceChildren(h('p', {}, 'or'), button, h('p', { class: 'muted' }, config.localStandIn ? 'Local Entra stand-in (tests and local runs only).' : 'Entra ID: your account and its app role (reader, operator, admin) on this app.'));
  });
  const input = h('input', { id: 'apikey', type: 'password', autocomplete: 'off', required: true });
  const form = h(
    'form',
    { class: 'signin', id: 'signin' },
    h('h2', {}, 'Sign in'),
    reason ? h('p', { class: 'message error', role: 'alert' }, reason) : null,
    h('label', { for: 'apikey' }, 'API key (x-api-key)'),
    input,
    h('p', { class: 'muted' }, 'Kept in this tab’s session storage only; sent as the x-api-key header to the admin API.'),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    microsoft,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    storeApiKey(input.value.trim());
    void start();
  });
  main.replaceChildren(form);
  who.textContent = '';
  status.textContent = 'signed out';
  input.focus();
}

async function start(): Promise<void> {
  if (sessionStorage.getItem(entraItem) !== null) {
    const config = await entraConfig();
    if (config) useEntra(config);
  }
  if (!storedApiKey() && sessionStorage.getItem(entraItem) === null) {
    signIn();
    return;
  }
  try {
    const me = await get<Me>('/me');
    ctx.role = me.principal.role;
    ctx.principal = me.principal.id;
  } catch (error) {
    signIn(error instanceof ApiProblem ? `${error.title}: ${error.detail || error.code}` : String(error));
    return;
  }
  const kind = sessionStorage.getItem(entraItem) !== null ? 'Entra' : 'API key';
  who.replaceChildren(h('span', { id: 'principal', title: `signed in with ${kind}` }, `${ctx.principal} · ${ctx.role}`), ' ', h('button', { type: 'button', id: 'signout', onclick: () => signIn() }, 'Sign out'));
  mount();
  window.clearInterval(timer);
  timer = window.setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
    else showStatus();
  }, refreshMs);
}

window.addEventListener('hashchange', () => {
  if (ctx.role !== null) mount();
});
void start();
