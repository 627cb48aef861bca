// HTML building blocks of the report: escaping, number formats and tables. Tables are the report's
// ground truth (charts only draw what a table next to them lists), so they work without script,
// in print and with a screen reader.

export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const num = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export const ms = (v: number | null | undefined): string => (num(v) ? (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`) : '–');
/** Bytes with three significant digits at most: table columns stay narrow. */
export function bytes(v: number | null | undefined): string {
  if (!num(v)) return '–';
  const [d, u] = v < 1024 ? [v, 'B'] : v < 1024 ** 2 ? [v / 1024, 'KiB'] : v < 1024 ** 3 ? [v / 1024 ** 2, 'MiB'] : [v / 1024 ** 3, 'GiB'];
  return `${u === 'B' ? d : d >= 100 ? Math.round(d) : d.toFixed(d >= 10 ? 1 : 2)} ${u}`;
}
export const int = (v: number | null | undefined): string => (num(v) ? Math.round(v).toLocaleString('en-US') : '–');

/** A ratio after/before as text that needs no colour: "0.42× (−58%)". */
export function ratio(r: number | null | undefined): string {
  if (!num(r)) return '–';
  const pct = (r - 1) * 100;
  return `${r.toFixed(2)}× (${pct <= 0 ? '−' : '+'}${Math.abs(pct).toFixed(0)}%)`;
}

export const yesNo = (v: boolean | null | undefined): string => (v === true ? 'yes' : v === false ? 'NO' : 'not checked');

/** A table cell: text (escaped here), optional sort key, optional class. */
export interface Cell {
  text: string;
  sort?: number | string | null;
  cls?: string;
  html?: boolean;
}
export type CellLike = Cell | string | number | null | undefined;

export interface Column {
  label: string;
  numeric?: boolean;
  /** Longer explanation, read by screen readers and shown on hover. */
  title?: string;
}

const cellOf = (c: CellLike): Cell => (c !== null && typeof c === 'object' ? c : { text: c === null || c === undefined ? '–' : String(c) });

export function table(opts: {
  id: string;
  caption: string;
  columns: Column[];
  rows: CellLike[][];
  sortable?: boolean;
  /** On narrow screens, show each row as a small block instead of a wide row. */
  stack?: boolean;
  rowAttrs?: (i: number) => string;
}): string {
  const { id, caption, columns, rows, sortable } = opts;
  const classes = [sortable ? 'sortable' : '', opts.stack ? 'stack' : ''].filter(Boolean).join(' ');
  const head = columns
    .map((c, i) => {
      const cls = c.numeric ? ' class="num"' : '';
      const title = c.title ? ` title="${esc(c.title)}"` : '';
      const inner = sortable
        ? `<button type="button" data-col="${i}"${title}>${esc(c.label)}<span class="arrow" aria-hidden="true"></span></button>`
        : `<span${title}>${esc(c.label)}</span>`;
      return `<th scope="col"${cls}${sortable ? ' aria-sort="none"' : ''}>${inner}</th>`;
    })
    .join('');
  const body = rows
    .map((r, i) => {
      const cells = r
        .map((raw, j) => {
          const c = cellOf(raw);
          const cls = [columns[j]?.numeric ? 'num' : '', c.cls ?? '', c.text === '' || c.text === '–' ? 'empty' : ''].filter(Boolean).join(' ');
          const sort = c.sort !== undefined && c.sort !== null ? ` data-sort="${esc(c.sort)}"` : '';
          const tag = j === 0 ? 'th scope="row"' : 'td';
          return `<${tag}${cls ? ` class="${cls}"` : ''}${sort}>${c.html ? c.text : esc(c.text)}</${tag.split(' ')[0]}>`;
        })
        .join('');
      return `<tr${opts.rowAttrs ? ` ${opts.rowAttrs(i)}` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return (
    `<div class="scroll"><table id="${esc(id)}"${classes ? ` class="${classes}"` : ''}>` +
    `<caption>${esc(caption)}${sortable ? ' <span class="hint">(select a column heading to sort)</span>' : ''}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
  );
}

/** A number cell sorted by its value. */
export const n = (v: number | null | undefined, fmt: (v: number | null | undefined) => string = int): Cell => ({
  text: fmt(v),
  sort: num(v) ? v : null,
});

/** "before → after" in one cell, sorted by after. */
export const arrow = (b: number | null | undefined, a: number | null | undefined, fmt: (v: number | null | undefined) => string): Cell => ({
  text: `${fmt(b)} → ${fmt(a)}`,
  sort: num(a) ? a : null,
});

/** A figure: the chart drawn by the page's script into the div, described by the table that follows it. */
export function figure(chartId: string, caption: string, alt: string, tableId?: string): string {
  return (
    `<figure class="chart">` +
    `<div class="plot" id="${esc(chartId)}" role="img" aria-label="${esc(alt)}"${tableId ? ` aria-describedby="${esc(tableId)}"` : ''}>` +
    `<p class="noscript">Chart not drawn (scripts are off): the table below has the same figures.</p></div>` +
    `<figcaption>${esc(caption)}</figcaption></figure>`
  );
}

export function section(id: string, title: string, body: string, intro?: string): string {
  return `<section id="${esc(id)}" aria-labelledby="${esc(id)}-h"><h2 id="${esc(id)}-h">${esc(title)}</h2>${intro ? `<p class="intro">${intro}</p>` : ''}${body}</section>`;
}

export const basename = (p: string): string =>
  p
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop() || p;
