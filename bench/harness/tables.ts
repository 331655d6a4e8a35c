/**
 * Tables for the terminal and for BENCHMARKS.md. Markdown tables are padded the way Prettier
 * pads them, so a freshly written BENCHMARKS.md passes `prettier --check` as it is.
 */

export type Align = 'left' | 'right';

export interface Table {
  headers: string[];
  rows: string[][];
  /** Per column; left when absent. */
  align?: Align[];
}

function widths(table: Table, minimum: number): number[] {
  return table.headers.map((h, c) =>
    Math.max(minimum, h.length, ...table.rows.map((r) => (r[c] ?? '').length)),
  );
}

function pad(text: string, width: number, align: Align): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

export function markdownTable(table: Table): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const escaped: Table = {
    headers: table.headers.map(escape),
    rows: table.rows.map((r) => r.map(escape)),
    ...(table.align ? { align: table.align } : {}),
  };
  const w = widths(escaped, 3);
  const alignOf = (c: number): Align => table.align?.[c] ?? 'left';
  const line = (cells: string[]) =>
    `| ${cells.map((cell, c) => pad(cell, w[c] ?? 3, alignOf(c))).join(' | ')} |`;
  const rule = `| ${w.map((n, c) => (alignOf(c) === 'right' ? `${'-'.repeat(n - 1)}:` : '-'.repeat(n))).join(' | ')} |`;
  return [line(escaped.headers), rule, ...escaped.rows.map(line)].join('\n');
}

export function textTable(table: Table): string[] {
  const w = widths(table, 0);
  const alignOf = (c: number): Align => table.align?.[c] ?? 'left';
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => pad(cell, w[c] ?? 0, alignOf(c)))
      .join('  ')
      .trimEnd();
  return [line(table.headers), w.map((n) => '-'.repeat(n)).join('  '), ...table.rows.map(line)];
}
