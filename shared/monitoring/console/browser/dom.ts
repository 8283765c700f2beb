/**
 * The one way the console makes DOM: elements with attributes and text children. Strings always become text nodes
 * (never parsed as HTML), so a key named `<img src=x onerror=alert(1)>` is shown as those characters.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** `h('td', { class: 'num' }, '12 k')`. `on*` attributes take listeners; `false`/`null` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** A button that shows why it is disabled (title + visible reason for screen readers and touch). */
export function actionButton(label: string, permission: { allowed: true } | { allowed: false; reason: string }, onClick: () => void, attrs: Attrs = {}): HTMLElement {
  if (permission.allowed) return h('button', { type: 'button', ...attrs, onclick: () => onClick() }, label);
  return h(
    'span',
    { class: 'disabled-action' },
    h('button', { type: 'button', ...attrs, disabled: true, 'aria-disabled': 'true', title: permission.reason }, label),
    h('small', { class: 'reason' }, permission.reason),
  );
}

/** A table with a header row; `numeric` column indexes are right-aligned. */
export function table(caption: string, headers: readonly string[], rows: readonly Child[][], numeric: readonly number[] = []): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ...headers.map((t, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, t)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => h('td', { class: numeric.includes(i) ? 'num' : null }, c))))),
    ),
  );
}

/** "no data" in words, where a table or chart has nothing to show. */
export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}
