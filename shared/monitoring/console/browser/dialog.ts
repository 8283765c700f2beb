import { h } from './dom';

/**
 * A modal confirmation (`<dialog>`): what will happen, then a button naming the action and the cluster. For
 * destructive actions `typeToConfirm` makes the user type the cluster id, so a confirmation is never one stray click.
 */
export function confirmAction(options: { title: string; body: Array<Node | string>; confirmLabel: string; typeToConfirm?: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    const input = options.typeToConfirm ? h('input', { type: 'text', id: 'confirm-input', autocomplete: 'off', spellcheck: 'false' }) : null;
    const ok = h('button', { type: 'submit', class: options.danger ? 'danger' : 'primary', value: 'ok', disabled: input !== null }, options.confirmLabel);
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'confirm-title' }, options.title),
        ...options.body.map((b) => (typeof b === 'string' ? h('p', {}, b) : b)),
        input ? h('label', { for: 'confirm-input' }, 'Type ', h('code', {}, options.typeToConfirm ?? ''), ' to confirm') : null,
        input,
        h('div', { class: 'buttons' }, h('button', { type: 'submit', value: 'cancel' }, 'Cancel'), ok),
      ),
    );
    input?.addEventListener('input', () => {
      ok.disabled = input.value !== options.typeToConfirm;
    });
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    (input ?? ok).focus();
  });
}

/** A modal form; resolves with the form's values, or null when cancelled. */
export function formDialog(title: string, fields: HTMLElement[], submitLabel: string): Promise<FormData | null> {
  return new Promise((resolve) => {
    const form = h('form', { method: 'dialog' }, h('h2', { id: 'form-title' }, title), ...fields, h('div', { class: 'buttons' }, h('button', { type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel'), h('button', { type: 'submit', class: 'primary', value: 'ok' }, submitLabel)));
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'form-title' }, form);
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok' ? new FormData(form) : null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
