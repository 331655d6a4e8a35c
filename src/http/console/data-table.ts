/**
 * Every table of the console the same way: scrollable on a phone (a focusable region, so a
 * keyboard can scroll it too), column headers with scope, an optional caption and row headers.
 */
import { html, type SafeHtml } from './html.js';

type Cell = SafeHtml | string | number;

export interface DataTable {
  /** Labels the table; `captionId` ties the scrolling region to it. */
  caption?: { id: string; text: Cell; hidden?: boolean };
  headers: readonly Cell[];
  rows: readonly (readonly Cell[])[];
  /** The first cell of each row names the row (`<th scope="row">`). */
  rowHeaders?: boolean;
}

export function dataTable(t: DataTable): SafeHtml {
  const region = t.caption ? html`role="region" aria-labelledby="${t.caption.id}" tabindex="0"` : html``;
  return html`<div class="table-wrap" ${region}>
    <table>
      ${
        t.caption
          ? html`<caption id="${t.caption.id}" ${t.caption.hidden ? html`class="visually-hidden"` : ''}>
              ${t.caption.text}
            </caption>`
          : ''
      }
      <thead>
        <tr>
          ${t.headers.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${t.rows.map(
          (cells) =>
            html`<tr>
              ${cells.map((c, i) => (i === 0 && t.rowHeaders ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
