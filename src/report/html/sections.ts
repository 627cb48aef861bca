// One function per report section. Each returns its HTML (tables rendered here) and pushes the specs
// of its charts, which the page's script draws; a section without data returns ''.
import type { MeasureResult, PackageMeasurement, ProfileNode } from '../../measure/types.js';
import type { OptimizeSummary, PlanRow } from '../summary.js';
import { arrow, basename, bytes, esc, figure, int, ms, n, ratio, section, table, yesNo, type CellLike } from './format.js';
import type { BatchAppRow, BatchResults, ChartFlame, ChartSpec, CompareResults, InvokeResults, ModelResults } from './types.js';

export interface Ctx {
  charts: ChartSpec[];
  /** Unique ids per section instance. */
  next(prefix: string): string;
}

// ---------------------------------------------------------------------------------------------
// Corpus overview (batch)

export function overviewSection(batches: BatchResults[], ctx: Ctx): string {
  if (!batches.length) return '';
  const body = batches
    .map((b) => {
      const id = ctx.next('overview');
      const apps = b.apps;
      const measured = apps.filter((a) => a.e2eMs && a.e2eMs.before !== null && a.e2eMs.after !== null);
      const sized = apps.filter((a) => a.zipBytes && a.zipBytes.before !== null && a.zipBytes.after !== null);
      const s = b.summary ?? {};
      const facts = [
        `${apps.length} apps`,
        b.runs ? `${b.runs} cold starts per package and app` : '',
        s.geomeanRatio != null ? `geometric-mean cold-start ratio ${ratio(s.geomeanRatio)}` : '',
        s.medianRatio != null ? `median ratio ${ratio(s.medianRatio)}` : '',
        s.worstApp ? `least improved: ${esc(s.worstApp)}` : '',
        apps.some((a) => a.error) ? `${apps.filter((a) => a.error).length} failed` : '',
      ].filter(Boolean);
      let html = `<p class="facts">${facts.join(' · ')}</p>`;
      const tableId = `${id}-table`;
      const figs: string[] = [];
      if (measured.length) {
        const chartId = `${id}-coldstart`;
        ctx.charts.push({
          type: 'bars',
          id: chartId,
          label: 'median end-to-end cold start (ms)',
          rows: measured.flatMap((a) => [
            { group: a.app, series: 'before', value: a.e2eMs!.before! },
            { group: a.app, series: 'after', value: a.e2eMs!.after! },
          ]),
        });
        figs.push(
          figure(
            chartId,
            'Median end-to-end cold start per app, before and after optimization (shorter is better).',
            `Bar chart of the median end-to-end cold start of ${measured.length} apps before and after optimization; the table below lists the values.`,
            tableId,
          ),
        );
      }
      if (sized.length) {
        const chartId = `${id}-size`;
        const mib = Math.max(...sized.map((a) => a.zipBytes!.before!)) >= 10 * 1024 * 1024;
        const unit = mib ? 1024 * 1024 : 1024;
        ctx.charts.push({
          type: 'bars',
          id: chartId,
          label: `deployment zip (${mib ? 'MiB' : 'KiB'})`,
          rows: sized.flatMap((a) => [
            { group: a.app, series: 'before', value: a.zipBytes!.before! / unit },
            { group: a.app, series: 'after', value: a.zipBytes!.after! / unit },
          ]),
        });
        figs.push(
          figure(
            chartId,
            'Deployment zip size per app, before and after (smaller is better).',
            `Bar chart of the zip size of ${sized.length} apps before and after optimization; the table below lists the values.`,
            tableId,
          ),
        );
      }
      html += figs.length > 1 ? `<div class="pair">${figs.join('')}</div>` : figs.join('');
      html += table({
        id: tableId,
        caption: 'Per app: package, plan and cold start (medians), before → after',
        sortable: true,
        columns: [
          { label: 'App' },
          { label: 'Runtime' },
          { label: 'Files', numeric: true, title: 'files in the package, before → after' },
          { label: 'Zip', numeric: true, title: 'deployment zip bytes, before → after' },
          { label: 'Lazy', numeric: true, title: 'imports made lazy' },
          { label: 'Eager', numeric: true },
          { label: 'Stripped', numeric: true, title: 'files moved to the fallback store' },
          { label: 'Init', numeric: true, title: 'median init (spawn → first /next), before → after' },
          { label: 'Cold start before', numeric: true, title: 'median end-to-end cold start of the original' },
          { label: 'Cold start after', numeric: true, title: 'median end-to-end cold start of the optimized package' },
          { label: 'Ratio', numeric: true, title: 'after / before of the median end-to-end cold start' },
          { label: 'Identical', title: 'outputs identical on every event (or why the app failed)' },
        ],
        rows: apps.map((a) => batchRow(a)),
      });
      return html;
    })
    .join('');
  return section(
    'overview',
    'Corpus overview',
    body,
    'Each app optimized, verified on its events and measured before and after with fresh processes, interleaved.',
  );
}

function batchRow(a: BatchAppRow): CellLike[] {
  const err = a.error ? { text: `failed: ${a.error}`, cls: 'err wrap', sort: -1 } : null;
  return [
    a.app,
    a.runtime,
    a.files ? arrow(a.files.before, a.files.after, int) : '–',
    a.zipBytes ? arrow(a.zipBytes.before, a.zipBytes.after, bytes) : '–',
    n(a.counts?.lazy),
    n(a.counts?.eager),
    n(a.counts?.stripped),
    a.initMs ? arrow(a.initMs.before, a.initMs.after, ms) : '–',
    n(a.e2eMs?.before, ms),
    n(a.e2eMs?.after, ms),
    {
      text:
        esc(ratio(a.ratio)) +
        (a.interval ? `<br><small>${Math.round(a.interval.level * 100)}%: ${a.interval.low.toFixed(2)}–${a.interval.high.toFixed(2)}</small>` : ''),
      html: true,
      sort: a.ratio ?? null,
    },
    err ?? { text: yesNo(a.identical), sort: a.identical === false ? 0 : a.identical ? 2 : 1, cls: a.identical === false ? 'err' : '' },
  ];
}

// ---------------------------------------------------------------------------------------------
// Single-app summary (optimize)

export function optimizeSummarySection(list: { name: string; s: OptimizeSummary }[]): string {
  if (!list.length) return '';
  const body = list
    .map(({ name, s }) => {
      const rows: CellLike[][] = [
        ['Files evaluated at init (static estimate)', int(s.initFiles.before), int(s.initFiles.after)],
        ['Bytes evaluated at init', bytes(s.initFiles.bytesBefore), bytes(s.initFiles.bytesAfter)],
      ];
      if (s.package) {
        rows.push(['Files in the package', int(s.package.before.files), int(s.package.after.files)]);
        rows.push(['Package bytes', bytes(s.package.before.bytes), bytes(s.package.after.bytes)]);
        rows.push(['Deployment zip', bytes(s.package.before.zipBytes), bytes(s.package.after.zipBytes)]);
      }
      const handlers = s.app.handlers.map((h) => `<code>${esc(h.handler)}</code>`).join(', ');
      const verify = s.verify
        ? `<p class="facts">Verification: <strong>${s.verify.ok ? 'outputs identical' : 'OUTPUTS DIFFER'}</strong> on ${s.verify.events.length} event run(s).</p>`
        : '';
      return (
        `<h3>${esc(name)}</h3><p class="facts">${esc(s.app.runtime)} · handler ${handlers} · ${s.counts.lazy} lazy, ${s.counts.eager} eager, ${s.counts.stubbed} stubbed imports · ${s.counts.kept} files kept, ${s.counts.stripped} stripped</p>` +
        verify +
        table({
          id: `summary-${esc(name)}`,
          caption: `${name}: before → after`,
          columns: [{ label: '' }, { label: 'Before', numeric: true }, { label: 'After', numeric: true }],
          rows,
        })
      );
    })
    .join('');
  return section('summary', 'What the optimizer changed', body);
}

// ---------------------------------------------------------------------------------------------
// Cold-start distributions (measure, invoke, batch rows that carry their measurement)

const pkgName = (p: PackageMeasurement) => `${p.label} · ${basename(p.input)}`;
const legendOf = (pkgs: PackageMeasurement[]) => Object.fromEntries(pkgs.map((p) => [p.label, `${p.label}: ${basename(p.input)}`]));
const values = (p: PackageMeasurement, k: 'e2eMs' | 'initMs') => p.samples.map((s) => s[k]).filter((v): v is number => typeof v === 'number');

export function distributionSection(list: { name: string; m: MeasureResult; metrics?: ('e2eMs' | 'initMs')[] }[], ctx: Ctx): string {
  if (!list.length) return '';
  const body = list
    .map(({ name, m, metrics = ['e2eMs', 'initMs'] }) => {
      const id = ctx.next('dist');
      let html = `<h3>${esc(name)}</h3>`;
      const c = m.comparison;
      html += `<p class="facts">${m.platform === 'aws' ? 'Lambda Runtime API' : 'Functions Framework'} · ${esc(m.runtime)} · ${m.runs} runs per package after ${m.warmupRuns} warm-up · event <span class="path">${esc(m.event)}</span>${m.memoryMb ? ` · ${m.memoryMb} MB` : ''}${
        c
          ? ` · B/A median end-to-end ${ratio(c.interval.ratio)}, ${Math.round(c.interval.level * 100)}% interval ${c.interval.low.toFixed(2)}–${c.interval.high.toFixed(2)}: <strong>${esc(c.verdict)}</strong>`
          : ''
      }${m.identicalOutputs !== null ? ` · outputs identical: ${yesNo(m.identicalOutputs)}` : ''}</p>`;
      const tableId = `${id}-table`;
      for (const k of metrics) {
        const series = m.packages.map((p) => ({ name: p.label, values: values(p, k) })).filter((s) => s.values.length);
        if (!series.length) continue;
        const chartId = `${id}-${k}`;
        const what = k === 'e2eMs' ? 'end-to-end cold start (spawn → response)' : 'init (spawn → first /next)';
        ctx.charts.push({ type: 'distribution', id: chartId, label: `${what}, ms`, series, legend: legendOf(m.packages) });
        html += figure(
          chartId,
          `Distribution of the ${what}: box plot (median, quartiles, whiskers) and cumulative distribution, per package.`,
          `Box plot and cumulative distribution of the ${what} of ${m.packages.map(pkgName).join(' and ')}; the table below lists the quantiles.`,
          tableId,
        );
      }
      const rows: CellLike[][] = [];
      for (const p of m.packages) {
        for (const [k, label] of [
          ['e2eMs', 'end-to-end'],
          ['initMs', 'init'],
          ['durationMs', 'first invoke'],
          ['warmMs', 'warm invoke'],
        ] as const) {
          const s = p.summary[k];
          rows.push([`${p.label}: ${label}`, n(s?.n), n(s?.min, ms), n(s?.median, ms), n(s?.p90, ms), n(s?.max, ms), n(s?.mean, ms)]);
        }
        const rss = p.summary.peakRssKb;
        if (rss)
          rows.push([
            `${p.label}: peak RSS`,
            n(rss.n),
            bytes(rss.min * 1024),
            bytes(rss.median * 1024),
            bytes(rss.p90 * 1024),
            bytes(rss.max * 1024),
            bytes(rss.mean * 1024),
          ]);
        if (p.summary.failed) rows.push([{ text: `${p.label}: ${p.summary.failed} failed run(s)`, cls: 'err' }, '', '', '', '', '', '']);
      }
      html += table({
        id: tableId,
        caption: `Quantiles per package (${m.packages.map(pkgName).join(', ')})`,
        columns: [
          { label: 'Package and metric' },
          { label: 'n', numeric: true },
          { label: 'min', numeric: true },
          { label: 'median', numeric: true },
          { label: 'p90', numeric: true },
          { label: 'max', numeric: true },
          { label: 'mean', numeric: true },
        ],
        rows,
      });
      return html;
    })
    .join('');
  return section(
    'distributions',
    'Cold-start distributions',
    body,
    'A is the first package given to <code>measure</code> (usually the original), B the one given with <code>--vs</code>. Runs of A and B alternate so drifts of the machine hit both alike.',
  );
}

// ---------------------------------------------------------------------------------------------
// Init-time attribution (profiles)

export function attributionSection(list: { name: string; m: MeasureResult }[], ctx: Ctx): string {
  const withProfile = list.filter(({ m }) => m.packages.some((p) => p.profile && !p.profile.error));
  if (!withProfile.length) return '';
  const body = withProfile
    .map(({ name, m }) => {
      const id = ctx.next('attr');
      const pkgs = m.packages.filter((p) => p.profile && !p.profile.error);
      const legend = legendOf(pkgs);
      let html = `<h3>${esc(name)}</h3><p class="facts">${pkgs.map((p) => `${esc(pkgName(p))}: ${ms(p.profile!.totalMs)} of module loading at init (${esc(p.profile!.tool)})`).join(' · ')}</p>`;

      // Modules: a flame chart per package on one time axis, so what became lazy visibly disappears.
      const flameId = `${id}-flame`;
      const modTable = `${id}-modules`;
      ctx.charts.push({
        type: 'flame',
        id: flameId,
        label: 'time to load at init (ms)',
        series: pkgs.map((p) => ({ name: p.label, totalMs: p.profile!.totalMs, nodes: flameNodes(p.profile!.tree) })),
        legend,
      });
      html += figure(
        flameId,
        'The import tree at init, per package measured: each bar is a module, as wide as the time it took to load with what it loaded; what it loaded sits below it. Missing bars were not loaded at init.',
        `Flame chart of the modules loaded at init by ${pkgs.map(pkgName).join(' and ')}; the table below lists the costliest modules.`,
        modTable,
      );
      const mods = new Map<string, Map<string, { inclusiveMs: number; selfMs: number }>>();
      for (const p of pkgs)
        for (const node of walk(p.profile!.tree)) {
          const byPkg = mods.get(node.id) ?? new Map();
          const prev = byPkg.get(p.label);
          // A module is loaded once per process; a second node is the same load seen from another path.
          if (!prev || prev.inclusiveMs < node.inclusiveMs) byPkg.set(p.label, { inclusiveMs: node.inclusiveMs, selfMs: node.selfMs });
          mods.set(node.id, byPkg);
        }
      const maxOf = (k: string) => Math.max(...[...mods.get(k)!.values()].map((v) => v.inclusiveMs));
      const topMods = [...mods.keys()].sort((a, b) => maxOf(b) - maxOf(a)).slice(0, 25);
      html += table({
        id: modTable,
        caption: `${name}: the ${topMods.length} costliest modules at init (inclusive = with what it loads; self = its own code)`,
        sortable: true,
        columns: [
          { label: 'Module' },
          ...pkgs.flatMap((p) => [
            { label: `${p.label} inclusive`, numeric: true },
            { label: `${p.label} self`, numeric: true },
          ]),
        ],
        rows: topMods.map((k) => [
          { text: k, cls: 'path' },
          ...pkgs.flatMap((p) => {
            const e = mods.get(k)!.get(p.label);
            return [n(e?.inclusiveMs, ms), n(e?.selfMs, ms)];
          }),
        ]),
      });

      // Packages: worth a chart when the time is spread over several of them (real dependency trees).
      const names = new Map<string, number>();
      for (const p of pkgs) for (const e of p.profile!.top) names.set(e.package, Math.max(names.get(e.package) ?? 0, e.inclusiveMs));
      const entry = (p: PackageMeasurement, pkg: string) => p.profile!.top.find((e) => e.package === pkg);
      const real = [...names.keys()].filter((k) => !k.startsWith('('));
      if (real.length >= 2) {
        const top = [...names.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12)
          .map(([k]) => k);
        const chartId = `${id}-packages`;
        const tableId = `${id}-packages-table`;
        ctx.charts.push({
          type: 'bars',
          id: chartId,
          label: 'time to load at init, inclusive (ms)',
          rows: top.flatMap((pkg) => pkgs.map((p) => ({ group: pkg, series: p.label, value: entry(p, pkg)?.inclusiveMs ?? 0 }))),
          legend,
        });
        html += figure(
          chartId,
          'The packages that cost most to load at init, per package measured (0 = not loaded at init).',
          `Bar chart of the load time at init of the ${top.length} costliest packages, ${pkgs.map(pkgName).join(' versus ')}; the table below lists the values.`,
          tableId,
        );
        html += table({
          id: tableId,
          caption: `${name}: load time at init by package`,
          sortable: true,
          columns: [
            { label: 'Package' },
            ...pkgs.flatMap((p) => [
              { label: `${p.label} inclusive`, numeric: true },
              { label: `${p.label} self`, numeric: true },
              { label: `${p.label} modules`, numeric: true },
            ]),
          ],
          rows: [...names.keys()]
            .sort((a, b) => names.get(b)! - names.get(a)!)
            .map((pkg) => [
              pkg,
              ...pkgs.flatMap((p) => {
                const e = entry(p, pkg);
                return [n(e?.inclusiveMs, ms), n(e?.selfMs, ms), n(e?.modules)];
              }),
            ]),
        });
      }
      for (const p of pkgs) {
        const later = p.profile!.loadedDuringInvoke;
        if (later.length)
          html += `<details><summary>${esc(pkgName(p))}: ${later.length} module(s) first loaded during the first invoke instead of at init</summary><ul class="cols">${later
            .slice(0, 200)
            .map((f) => `<li><code>${esc(f)}</code></li>`)
            .join('')}</ul></details>`;
      }
      return html;
    })
    .join('');
  return section(
    'attribution',
    'Init-time attribution',
    body,
    'Measured with a require hook (Node) or <code>-X importtime</code> (Python) in one extra, untimed run per package. A is the original, B the optimized package when measured with <code>measure A --vs B</code>.',
  );
}

function* walk(nodes: ProfileNode[]): Generator<ProfileNode> {
  for (const node of nodes) {
    yield node;
    yield* walk(node.children);
  }
}

/** Flame layout: roots side by side from 0, children from their parent's left edge; deep or tiny nodes left out. */
function flameNodes(tree: ProfileNode[], maxDepth = 8, maxNodes = 400): ChartFlameNode[] {
  const out: ChartFlameNode[] = [];
  const total = tree.reduce((s, t) => s + t.inclusiveMs, 0);
  const min = total / 400;
  const place = (nodes: ProfileNode[], depth: number, x: number) => {
    for (const node of [...nodes].sort((a, b) => b.inclusiveMs - a.inclusiveMs)) {
      if (node.inclusiveMs >= min && out.length < maxNodes) {
        out.push({ id: node.id, package: node.package, depth, x1: round(x), x2: round(x + node.inclusiveMs), selfMs: node.selfMs });
        if (depth + 1 < maxDepth) place(node.children, depth + 1, x);
      }
      x += node.inclusiveMs;
    }
  };
  place(tree, 0, 0);
  return out;
}

type ChartFlameNode = ChartFlame['series'][number]['nodes'][number];
const round = (v: number) => Math.round(v * 1000) / 1000;

// ---------------------------------------------------------------------------------------------
// The optimizer's plan

/** Summaries written before `decisions` existed still show what they have. */
function rowsOf(s: OptimizeSummary): PlanRow[] {
  if (Array.isArray(s.decisions)) return s.decisions;
  return [
    ...s.heaviestLazy.map(
      (l): PlanRow => ({
        decision: 'lazy',
        file: l.file,
        line: l.line,
        specifier: l.specifier,
        mechanism: l.mechanism,
        code: 'deferred',
        reason: `defers ${l.deferredFiles} files`,
      }),
    ),
    ...s.eagerReasons.map((e): PlanRow => ({ decision: 'eager', file: e.file, line: e.line, specifier: e.specifier, code: e.code, reason: e.reason })),
    ...s.heaviestStripped.map(
      (f): PlanRow => ({ decision: 'stripped', file: f.file, bytes: f.bytes, code: 'unreached', reason: 'not reached from the handlers' }),
    ),
  ];
}

export function planSection(list: { name: string; s: OptimizeSummary }[], ctx: Ctx): string {
  if (!list.length) return '';
  const order = { lazy: 0, stubbed: 1, eager: 2, stripped: 3 } as const;
  const body = list
    .map(({ name, s }) => {
      const id = ctx.next('plan');
      const rows = [...rowsOf(s)].sort((a, b) => order[a.decision] - order[b.decision] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
      const counts = (['lazy', 'stubbed', 'eager', 'stripped'] as const).map((d) => [d, rows.filter((r) => r.decision === d).length] as const);
      const controls =
        `<div class="filters" role="search" aria-controls="${id}-table">` +
        `<label>Decision <select data-filter="decision" data-table="${id}-table"><option value="">all (${rows.length})</option>${counts.map(([d, c]) => `<option value="${d}">${d} (${c})</option>`).join('')}</select></label>` +
        `<label>Contains <input type="search" data-filter="text" data-table="${id}-table" placeholder="file, import or reason"></label>` +
        `<output id="${id}-table-count" aria-live="polite">${rows.length} of ${rows.length} shown</output></div>`;
      return (
        `<h3>${esc(name)}</h3><p class="facts">${counts.map(([d, c]) => `${c} ${d}`).join(' · ')}</p>` +
        controls +
        table({
          id: `${id}-table`,
          caption: `${name}: every import decision and every stripped file, with its reason`,
          sortable: true,
          stack: true,
          columns: [{ label: 'Decision' }, { label: 'File' }, { label: 'Import' }, { label: 'Reason' }, { label: 'Bytes', numeric: true }],
          rows: rows.map((r) => [
            { text: r.decision, cls: `d-${r.decision}` },
            { text: r.line ? `${r.file}:${r.line}` : r.file, sort: r.file + ':' + String(r.line ?? 0).padStart(6, '0'), cls: 'path' },
            r.specifier ? { text: `${r.specifier}${r.mechanism ? ` (${r.mechanism})` : ''}`, cls: 'path' } : '',
            { text: `${r.reason} [${r.code}]` },
            n(r.bytes, bytes),
          ]),
          rowAttrs: (i) => `data-decision="${rows[i].decision}"`,
        })
      );
    })
    .join('');
  return section(
    'plan',
    "The optimizer's plan",
    body,
    '<strong>lazy</strong>: loaded at first use instead of at init; <strong>eager</strong>: kept as written, with the reason; <strong>stubbed</strong>: replaced by a stub that loads on access; <strong>stripped</strong>: moved to the fallback store (restored on demand).',
  );
}

// ---------------------------------------------------------------------------------------------
// Bundle-mode comparison

export function compareSection(list: CompareResults[], ctx: Ctx): string {
  if (!list.length) return '';
  const body = list
    .map((c) => {
      const id = ctx.next('compare');
      const tableId = `${id}-table`;
      const base = c.variants.find((v) => v.id === 'original')?.summary.e2eMs?.median;
      const series = c.variants
        .map((v) => ({ name: v.label, values: v.samples.map((s) => s.e2eMs).filter((x): x is number => typeof x === 'number') }))
        .filter((s) => s.values.length);
      let html = `<h3>${esc(c.app)}</h3><p class="facts">${c.variants.length} builds · ${c.runs} cold starts each, interleaved${c.notes?.length ? ` · ${c.notes.map(esc).join(' · ')}` : ''}</p>`;
      if (series.length) {
        ctx.charts.push({ type: 'distribution', id: `${id}-chart`, label: 'end-to-end cold start, ms', series });
        html += figure(
          `${id}-chart`,
          'End-to-end cold start per build: box plot and cumulative distribution.',
          `Box plot and cumulative distribution of the cold start of ${series.length} builds of ${c.app}; the table below lists the medians.`,
          tableId,
        );
      }
      html += table({
        id: tableId,
        caption: `${c.app}: builds compared`,
        sortable: true,
        columns: [
          { label: 'Build' },
          { label: 'Identical', title: 'outputs identical to the original on every event' },
          { label: 'Files', numeric: true },
          { label: 'Zip', numeric: true },
          { label: 'Init median', numeric: true },
          { label: 'Cold start median', numeric: true },
          { label: 'p90', numeric: true },
          { label: 'vs original', numeric: true },
        ],
        rows: c.variants.map((v) => [
          v.label,
          v.error ? { text: `failed: ${v.error}`, cls: 'err' } : { text: yesNo(v.identical), cls: v.identical === false ? 'err' : '' },
          n(v.package?.files),
          n(v.package?.zipBytes, bytes),
          n(v.summary.initMs?.median, ms),
          n(v.summary.e2eMs?.median, ms),
          n(v.summary.e2eMs?.p90, ms),
          n(base && v.summary.e2eMs ? v.summary.e2eMs.median / base : null, ratio),
        ]),
      });
      return html;
    })
    .join('');
  return section(
    'compare',
    'Builds compared',
    body,
    'The original, a plain esbuild bundle, faaslight lazy loading, and faaslight with <code>--bundle</code>, measured side by side.',
  );
}

// ---------------------------------------------------------------------------------------------
// Workload model

export function modelSection(list: ModelResults[], ctx: Ctx): string {
  if (!list.length) return '';
  const body = list
    .map((mr, i) => {
      const id = ctx.next('model');
      const tableId = `${id}-table`;
      const name = mr.app ?? `model ${i + 1}`;
      const pts = (f: (p: ModelResults['sweep'][number]['before']) => number) =>
        mr.sweep.flatMap((s) => [
          { series: 'before', x: s.arrivalRate, y: f(s.before) },
          { series: 'after', x: s.arrivalRate, y: f(s.after) },
        ]);
      const spread = mr.sweep.length > 1 && mr.sweep[mr.sweep.length - 1].arrivalRate / Math.max(1e-9, mr.sweep[0].arrivalRate) >= 50;
      ctx.charts.push({
        type: 'curves',
        id: `${id}-rt`,
        x: 'arrival rate (requests/s)',
        y: 'mean response time (ms)',
        logX: spread,
        points: pts((p) => p.avgResponseTimeS * 1000),
      });
      ctx.charts.push({
        type: 'curves',
        id: `${id}-cold`,
        x: 'arrival rate (requests/s)',
        y: 'cold-start probability',
        logX: spread,
        percentY: true,
        points: pts((p) => p.coldProbability),
      });
      const inp = mr.inputs;
      const hasCost = mr.sweep.some((s) => s.before.costPerMillionUsd !== undefined);
      return (
        `<h3>${esc(name)}</h3><p class="facts">idle timeout ${inp.idleTimeoutS} s · before: warm ${ms(inp.before.warmS * 1000)}, cold ${ms(inp.before.coldS * 1000)} · after: warm ${ms(inp.after.warmS * 1000)}, cold ${ms(inp.after.coldS * 1000)}</p>` +
        `<div class="pair">` +
        figure(
          `${id}-rt`,
          'Mean response time against arrival rate, before and after.',
          'Line chart of the predicted mean response time against the arrival rate, before and after optimization; the table below lists the values.',
          tableId,
        ) +
        figure(
          `${id}-cold`,
          'Share of requests that hit a cold start against arrival rate.',
          'Line chart of the predicted cold-start probability against the arrival rate, before and after optimization; the table below lists the values.',
          tableId,
        ) +
        `</div>` +
        table({
          id: tableId,
          caption: `${name}: predictions per arrival rate`,
          sortable: true,
          columns: [
            { label: 'Arrival rate (req/s)', numeric: true },
            { label: 'P(cold) before', numeric: true },
            { label: 'P(cold) after', numeric: true },
            { label: 'Response before', numeric: true },
            { label: 'Response after', numeric: true },
            { label: 'Instances before → after', numeric: true },
            ...(hasCost ? [{ label: 'Cost / 1M before → after', numeric: true }] : []),
          ],
          rows: mr.sweep.map((s) => [
            { text: String(s.arrivalRate), sort: s.arrivalRate },
            n(s.before.coldProbability, pctText),
            n(s.after.coldProbability, pctText),
            n(s.before.avgResponseTimeS * 1000, ms),
            n(s.after.avgResponseTimeS * 1000, ms),
            arrow(s.before.avgInstances, s.after.avgInstances, (v) => (typeof v === 'number' ? v.toFixed(2) : '–')),
            ...(hasCost ? [arrow(s.before.costPerMillionUsd, s.after.costPerMillionUsd, usd)] : []),
          ]),
        })
      );
    })
    .join('');
  return section(
    'workload',
    'Under load: the workload model',
    body,
    'Steady-state predictions of the serverless performance model (Mahmoudi &amp; Khazaei) from the measured warm and cold times.',
  );
}

const pctText = (v: number | null | undefined) => (typeof v === 'number' ? `${(v * 100).toPrecision(3)}%` : '–');
const usd = (v: number | null | undefined) => (typeof v === 'number' ? `$${v.toFixed(2)}` : '–');

// ---------------------------------------------------------------------------------------------
// Cloud results by memory size

export function cloudSection(list: InvokeResults[], ctx: Ctx): string {
  if (!list.length) return '';
  const body = list
    .map((r) => {
      const id = ctx.next('cloud');
      const tableId = `${id}-table`;
      const results = [...r.results].sort((a, b) => a.memoryMb - b.memoryMb);
      const med = (m: MeasureResult, label: 'A' | 'B', k: 'initMs' | 'e2eMs' | 'durationMs') =>
        m.packages.find((p) => p.label === label)?.summary[k]?.median ?? null;
      const rows = results.flatMap((m) =>
        m.packages.flatMap((p) => {
          const v = p.summary.initMs?.median;
          return typeof v === 'number' ? [{ group: `${m.memoryMb} MB`, series: p.label, value: v }] : [];
        }),
      );
      ctx.charts.push({ type: 'bars', id: `${id}-chart`, label: 'median init duration (ms)', rows, legend: legendOf(results[0]?.packages ?? []) });
      const provider = r.provider === 'aws' ? 'AWS Lambda' : 'Google Cloud Functions';
      let html = `<h3>${provider}${r.region ? ` (${esc(r.region)})` : ''}</h3>`;
      html += figure(
        `${id}-chart`,
        'Median init duration per memory size, per package.',
        `Bar chart of the median init duration on ${provider} at ${results.map((m) => `${m.memoryMb} MB`).join(', ')}; the table below lists the values.`,
        tableId,
      );
      const hasCost = results.some((m) => m.cost?.length);
      const cost = (m: (typeof results)[number], l: 'A' | 'B') => m.cost?.find((c) => c.label === l);
      html += table({
        id: tableId,
        caption: `${provider}: cold starts by memory size (medians)`,
        sortable: true,
        columns: [
          { label: 'Memory', numeric: true },
          { label: 'Init A', numeric: true },
          { label: 'Init B', numeric: true },
          { label: 'Cold start A', numeric: true },
          { label: 'Cold start B', numeric: true },
          { label: 'B/A', numeric: true, title: 'ratio of the median end-to-end cold start with its bootstrap interval' },
          { label: 'Identical' },
          ...(hasCost ? [{ label: 'Cost of 1M cold invokes, A → B', numeric: true }] : []),
        ],
        rows: results.map((m) => [
          { text: `${m.memoryMb} MB`, sort: m.memoryMb },
          n(med(m, 'A', 'initMs'), ms),
          n(med(m, 'B', 'initMs'), ms),
          n(med(m, 'A', 'e2eMs'), ms),
          n(med(m, 'B', 'e2eMs'), ms),
          m.comparison
            ? {
                text: `${ratio(m.comparison.interval.ratio)} [${m.comparison.interval.low.toFixed(2)}–${m.comparison.interval.high.toFixed(2)}]`,
                sort: m.comparison.interval.ratio,
              }
            : '–',
          yesNo(m.identicalOutputs),
          ...(hasCost ? [arrow(cost(m, 'A')?.coldUsd, cost(m, 'B')?.coldUsd, (v) => (typeof v === 'number' ? `$${(v * 1e6).toFixed(2)}` : '–'))] : []),
        ]),
      });
      return html;
    })
    .join('');
  return section(
    'cloud',
    'In the cloud, by memory size',
    body,
    'Forced cold starts on the provider (a configuration change per round); only samples with an init duration count as cold.',
  );
}
