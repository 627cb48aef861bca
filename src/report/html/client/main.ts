// The report page's script (bundled with Observable Plot into one inline IIFE): draws the charts from
// the embedded specs, and makes tables sortable and the plan filterable. Series are told apart by
// position, dash pattern, marker shape and labels as well as colour, so the page reads in greyscale.
import * as Plot from '@observablehq/plot';
import type { ChartBars, ChartCurves, ChartDistribution, ChartFlame, ChartSpec, Legend } from '../types.js';

const COLORS = ['#b35806', '#2166ac', '#1b7837', '#762a83', '#4d4d4d', '#c51b7d'];
const DASHES = ['', '7 3', '2 3', '10 3 2 3', '4 4', '1 2'];
const SYMBOLS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'star'] as const;
const NAMED: Record<string, number> = { before: 0, after: 1 };

function styleOf(names: string[]) {
  return names.map((name, i) => {
    const k = NAMED[name] ?? i;
    return { name, color: COLORS[k % COLORS.length], dash: DASHES[k % DASHES.length], symbol: SYMBOLS[k % SYMBOLS.length] };
  });
}

// The same shapes Plot draws for the symbol scale, small, centred in the legend's line.
const MARKERS: Record<string, (c: string) => string> = {
  circle: (c) => `<circle cx="15" cy="7" r="3.5" fill="#fff" stroke="${c}" stroke-width="1.5"/>`,
  square: (c) => `<rect x="11.5" y="3.5" width="7" height="7" fill="#fff" stroke="${c}" stroke-width="1.5"/>`,
  triangle: (c) => `<path d="M15 2.5 L19 10.5 L11 10.5 Z" fill="#fff" stroke="${c}" stroke-width="1.5"/>`,
  diamond: (c) => `<path d="M15 2.5 L19.5 7 L15 11.5 L10.5 7 Z" fill="#fff" stroke="${c}" stroke-width="1.5"/>`,
  cross: (c) => `<path d="M11.5 7 H18.5 M15 3.5 V10.5" stroke="${c}" stroke-width="2"/>`,
  star: (c) => `<path d="M15 2.5 L16.3 6 L19.5 6 L17 8.2 L18 11.5 L15 9.5 L12 11.5 L13 8.2 L10.5 6 L13.7 6 Z" fill="#fff" stroke="${c}" stroke-width="1.2"/>`,
};

const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const marginFor = (labels: string[]) => Math.min(260, 14 + 7.2 * Math.max(4, ...labels.map((l) => l.length)));

/** An HTML legend that shows each series' colour, dash pattern and marker: readable without colour. */
function legend(items: ReturnType<typeof styleOf>, lines: boolean, names?: Legend): HTMLElement {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  ul.setAttribute('aria-hidden', 'true');
  ul.style.cssText = 'list-style:none;display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:4px 0;font-size:.85rem';
  for (const it of items) {
    const li = document.createElement('li');
    const glyph = lines
      ? `<line x1="1" y1="7" x2="29" y2="7" stroke="${it.color}" stroke-width="2.5" stroke-dasharray="${it.dash}"/>${MARKERS[it.symbol]?.(it.color) ?? ''}`
      : `<rect x="4" y="1" width="22" height="12" fill="${it.color}"/>`;
    li.innerHTML = `<svg width="30" height="14" style="vertical-align:-2px;margin-right:6px">${glyph}</svg>`;
    li.append(document.createTextNode(names?.[it.name] ?? it.name));
    ul.append(li);
  }
  return ul;
}

function bars(spec: ChartBars, width: number): Element[] {
  const groups = [...new Set(spec.rows.map((r) => r.group))];
  const series = [...new Set(spec.rows.map((r) => r.series))];
  const st = styleOf(series);
  const band = 15;
  const chart = Plot.plot({
    width,
    height: 50 + groups.length * (series.length * band + 12),
    marginLeft: marginFor(groups),
    marginRight: 110,
    style: { fontSize: '12px', overflow: 'visible' },
    x: { label: spec.label, grid: true, nice: true, labelAnchor: 'center', labelArrow: 'none' },
    y: { axis: null, domain: series, padding: 0.12 },
    fy: { label: null, domain: groups, axis: 'left', padding: 0.15 },
    color: { domain: series, range: st.map((s) => s.color) },
    marks: [
      Plot.barX(spec.rows, { x: 'value', y: 'series', fy: 'group', fill: 'series', tip: { format: { fy: true, y: true, x: (v: number) => fmt(v) } } }),
      Plot.text(spec.rows, {
        x: 'value',
        y: 'series',
        fy: 'group',
        text: (d: ChartBars['rows'][number]) => `${fmt(d.value)}  ${d.series}`,
        textAnchor: 'start',
        dx: 4,
        fontSize: 11,
        fill: 'currentColor',
      }),
      Plot.ruleX([0]),
    ],
  });
  return [legend(st, false, spec.legend), chart];
}

function distribution(spec: ChartDistribution, width: number): Element[] {
  const names = spec.series.map((s) => s.name);
  const st = styleOf(names);
  const flat = spec.series.flatMap((s) => s.values.map((v) => ({ series: s.name, v })));
  const half = width >= 720 ? Math.floor((width - 24) / 2) : width;
  const box = Plot.plot({
    width: half,
    height: 60 + names.length * 44,
    marginLeft: marginFor(names),
    style: { fontSize: '12px' },
    x: { label: spec.label, grid: true, nice: true, labelArrow: 'none' },
    y: { label: null, domain: names },
    color: { domain: names, range: st.map((s) => s.color) },
    marks: [
      Plot.boxX(flat, { x: 'v', y: 'series', fill: 'series', fillOpacity: 0.35, stroke: 'currentColor' }),
      Plot.dot(flat, { x: 'v', y: 'series', r: 2, fill: 'currentColor', fillOpacity: 0.5, tip: true }),
    ],
  });
  const cdfMarks = spec.series.flatMap((s, i) => {
    const xs = [...s.values].sort((a, b) => a - b);
    const pts = xs.map((x, j) => ({ x, y: (j + 1) / xs.length, series: s.name }));
    return [
      Plot.line(pts, { x: 'x', y: 'y', curve: 'step-after', stroke: st[i].color, strokeWidth: 2, strokeDasharray: st[i].dash }),
      Plot.dot(pts, { x: 'x', y: 'y', symbol: () => st[i].symbol, stroke: st[i].color, r: 2.5, tip: true, channels: { series: 'series' } }),
    ];
  });
  const cdf = Plot.plot({
    width: half,
    height: 240,
    marginLeft: 50,
    style: { fontSize: '12px' },
    x: { label: spec.label, grid: true, nice: true, labelArrow: 'none' },
    y: { label: 'runs at or below (%)', percent: true, domain: [0, 100], grid: true, labelArrow: 'none' },
    symbol: { domain: names, range: st.map((s) => s.symbol) },
    marks: [...cdfMarks, Plot.ruleY([0])],
  });
  const pair = document.createElement('div');
  pair.className = 'pair-plots';
  pair.append(box, cdf);
  return [legend(st, true, spec.legend), pair];
}

function curves(spec: ChartCurves, width: number): Element[] {
  const names = [...new Set(spec.points.map((p) => p.series))];
  const st = styleOf(names);
  const marks = names.flatMap((name, i) => {
    const pts = spec.points.filter((p) => p.series === name);
    return [
      Plot.line(pts, { x: 'x', y: 'y', stroke: st[i].color, strokeWidth: 2, strokeDasharray: st[i].dash }),
      Plot.dot(pts, { x: 'x', y: 'y', symbol: () => st[i].symbol, fill: st[i].color, r: 3.5, tip: true, channels: { series: 'series' } }),
    ];
  });
  const chart = Plot.plot({
    width,
    height: Math.max(220, Math.min(320, width * 0.6)),
    marginLeft: 56,
    style: { fontSize: '12px' },
    x: spec.logX
      ? {
          label: spec.x,
          type: 'log',
          grid: true,
          labelArrow: 'none',
          tickFormat: (v: number) => (Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? String(v) : ''),
        }
      : { label: spec.x, grid: true, labelArrow: 'none' },
    y: spec.percentY
      ? { label: `${spec.y} (%)`, percent: true, grid: true, zero: true, labelArrow: 'none' }
      : { label: spec.y, grid: true, zero: true, labelArrow: 'none' },
    symbol: { domain: names, range: st.map((s) => s.symbol) },
    marks: [...marks, Plot.ruleY([0])],
  });
  return [legend(st, true), chart];
}

const base = (id: string) =>
  id
    .replace(/\/(index|__init__)\.(js|cjs|mjs|py)$/, '')
    .split('/')
    .pop() || id;

function flame(spec: ChartFlame, width: number): Element[] {
  const names = spec.series.map((s) => s.name);
  const rows = spec.series.flatMap((s) => s.nodes.map((node) => ({ ...node, series: s.name })));
  const max = Math.max(1e-6, ...spec.series.map((s) => Math.max(s.totalMs, ...s.nodes.map((node) => node.x2))));
  const depths = Math.max(1, ...rows.map((r) => r.depth + 1));
  const marginLeft = 36;
  const marginRight = 16;
  const inner = width - marginLeft - marginRight;
  // Label a bar with as much of the module's name as fits inside it (≈6.5 px per character at 11 px).
  const label = (r: (typeof rows)[number]) => {
    const room = Math.floor((((r.x2 - r.x1) / max) * inner - 6) / 6.5);
    const name = r.id.length <= room ? r.id : base(r.id);
    return room < 3 ? '' : name.length <= room ? name : `${name.slice(0, room - 1)}…`;
  };
  const chart = Plot.plot({
    width,
    height: 50 + names.length * (depths * 20 + 18),
    marginLeft,
    marginRight,
    style: { fontSize: '12px' },
    x: { label: spec.label, domain: [0, max], grid: true, labelArrow: 'none' },
    y: { axis: null, domain: Array.from({ length: depths }, (_, i) => i), padding: 0.06 },
    fy: { label: null, domain: names, axis: 'left', padding: 0.12 },
    color: { type: 'ordinal', scheme: 'Pastel1' },
    marks: [
      Plot.frame({ stroke: '#d0d7de' }),
      Plot.barX(rows, {
        x1: 'x1',
        x2: 'x2',
        y: 'depth',
        fy: 'series',
        fill: 'package',
        stroke: '#fff',
        tip: true,
        channels: { module: 'id', package: 'package', 'self ms': 'selfMs' },
      }),
      Plot.text(rows, { x: 'x1', y: 'depth', fy: 'series', text: label, textAnchor: 'start', dx: 3, fontSize: 11, fill: '#1b1f24' }),
    ],
  });
  const st = styleOf(names);
  const key = document.createElement('p');
  key.className = 'legend';
  key.style.cssText = 'margin:4px 0;font-size:.85rem';
  key.textContent = st.map((s) => spec.legend?.[s.name] ?? s.name).join(' · ') + ' — bar colours group modules by package.';
  return [key, chart];
}

function draw(spec: ChartSpec): void {
  const el = document.getElementById(spec.id);
  if (!el) return;
  const width = Math.max(260, Math.floor(el.clientWidth || 640));
  const parts =
    spec.type === 'bars'
      ? bars(spec, width)
      : spec.type === 'distribution'
        ? distribution(spec, width)
        : spec.type === 'flame'
          ? flame(spec, width)
          : curves(spec, width);
  // The figure's aria-label describes the chart; the SVG internals are decoration for assistive tech.
  for (const p of parts) if (p instanceof SVGElement || p.querySelector('svg')) p.setAttribute('aria-hidden', 'true');
  el.replaceChildren(...parts);
  el.dataset.drawn = String(width);
}

function drawAll(specs: ChartSpec[]): void {
  for (const spec of specs) {
    try {
      draw(spec);
    } catch (e) {
      console.error(`faaslight report: chart ${spec.id} failed`, e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sorting and filtering

function sortKey(cell: Element | undefined): { n: number | null; s: string } {
  const raw = (cell as HTMLElement | undefined)?.dataset.sort ?? cell?.textContent ?? '';
  const num = (cell as HTMLElement | undefined)?.dataset.sort !== undefined && raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : null;
  return { n: num, s: raw.toLowerCase() };
}

function sortTable(table: HTMLTableElement, col: number, th: HTMLElement): void {
  const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
  for (const other of table.tHead!.querySelectorAll('th')) other.setAttribute('aria-sort', 'none');
  th.setAttribute('aria-sort', dir);
  const body = table.tBodies[0];
  const sign = dir === 'ascending' ? 1 : -1;
  const rows = [...body.rows].map((r, i) => ({ r, i, k: sortKey(r.cells[col]) }));
  rows.sort((a, b) => {
    const missA = a.k.s === '' || a.k.s === '–';
    const missB = b.k.s === '' || b.k.s === '–';
    if (missA !== missB) return missA ? 1 : -1; // values before blanks, either way
    const c = a.k.n !== null && b.k.n !== null ? a.k.n - b.k.n : a.k.s.localeCompare(b.k.s, undefined, { numeric: true });
    return c * sign || a.i - b.i;
  });
  body.append(...rows.map((x) => x.r));
}

function applyFilters(tableId: string): void {
  const table = document.getElementById(tableId) as HTMLTableElement | null;
  if (!table) return;
  const decision = (document.querySelector(`select[data-table="${tableId}"]`) as HTMLSelectElement | null)?.value ?? '';
  const text = ((document.querySelector(`input[data-table="${tableId}"]`) as HTMLInputElement | null)?.value ?? '').trim().toLowerCase();
  let shown = 0;
  const rows = table.tBodies[0].rows;
  for (const r of rows) {
    const ok = (!decision || r.dataset.decision === decision) && (!text || (r.textContent ?? '').toLowerCase().includes(text));
    r.hidden = !ok;
    if (ok) shown++;
  }
  const out = document.getElementById(`${tableId}-count`);
  if (out) out.textContent = `${shown} of ${rows.length} shown`;
}

function wire(): void {
  for (const table of document.querySelectorAll<HTMLTableElement>('table.sortable')) {
    table.tHead!.addEventListener('click', (ev) => {
      const btn = (ev.target as Element).closest('button[data-col]') as HTMLButtonElement | null;
      if (btn) sortTable(table, Number(btn.dataset.col), btn.parentElement!);
    });
  }
  for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-filter]')) {
    el.addEventListener('input', () => applyFilters(el.dataset.table!));
  }
}

function main(): void {
  const data = document.getElementById('faaslight-charts');
  const specs: ChartSpec[] = data ? JSON.parse(data.textContent || '[]') : [];
  drawAll(specs);
  wire();
  // Redraw at the new width when the window changes size (phones turned, print preview …).
  let timer: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => drawAll(specs.filter((s) => document.getElementById(s.id)?.dataset.drawn !== String(Math.floor(document.getElementById(s.id)!.clientWidth)))),
      150,
    );
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
