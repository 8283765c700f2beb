import type { Output } from './Output';

/** A column: header text and alignment (numbers right-aligned). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Printed width of a cell: colour codes take no room. */
export function visibleWidth(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * Prints rows as a table. On a terminal: a bold header and columns padded to the widest cell (two spaces
 * apart). Piped: tab-separated values without the header and without colour, so `cut -f`, `awk -F'\t'` and
 * `while read` work (as gh does); `--json` has every field.
 */
export function printTable(out: Output, columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): void {
  if (!out.isTTY) {
    for (const row of rows) out.line(row.map((c) => c.replace(ANSI, '').replace(/[\t\n]/g, ' ')).join('\t'));
    return;
  }
  const widths = columns.map((c, i) => Math.max(visibleWidth(c.header), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleWidth(cell)));
        if (i === cells.length - 1 && columns[i]?.align !== 'right') return cell;
        return columns[i]?.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ');
  out.line(out.color.bold(render(columns.map((c) => c.header))));
  for (const row of rows) out.line(render(row));
}
