// Human-readable table of a MeasureResult. Pure: result in, text out.
import type { Summary } from './stats.js';
import type { MeasureResult, PackageMeasurement, Profile, ProfileNode, RunError } from './types.js';

const ms = (x: number | undefined | null) => (x === undefined || x === null ? '–' : `${x.toFixed(1)} ms`);
const mb = (kb: number | undefined | null) => (kb === undefined || kb === null ? '–' : `${(kb / 1024).toFixed(1)} MB`);

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
    .trimEnd();
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a && b !== undefined ? (b / a).toFixed(2) : '';
}

function rows(pkgs: PackageMeasurement[]): string[][] {
  type Key = 'initMs' | 'durationMs' | 'e2eMs' | 'unpackMs' | 'warmMs' | 'peakRssKb';
  const stat = (p: PackageMeasurement, k: Key): Summary | null => p.summary[k];
  const line = (name: string, k: Key, f: (s: Summary) => number, fmt = ms): string[] => {
    const vals = pkgs.map((p) => stat(p, k));
    const cells = [name, ...vals.map((v) => (v ? fmt(f(v)) : '–'))];
    if (pkgs.length === 2) cells.push(vals[0] && vals[1] ? ratio(f(vals[0]), f(vals[1])) : '');
    return cells;
  };
  return [
    line('init duration (median)', 'initMs', (s) => s.median),
    line('duration (median)', 'durationMs', (s) => s.median),
    line('end-to-end (median)', 'e2eMs', (s) => s.median),
    line('end-to-end p90', 'e2eMs', (s) => s.p90),
    line('end-to-end min', 'e2eMs', (s) => s.min),
    line('end-to-end max', 'e2eMs', (s) => s.max),
    line('warm invoke (median)', 'warmMs', (s) => s.median),
    line('unpack (median)', 'unpackMs', (s) => s.median),
    line('peak RSS (median)', 'peakRssKb', (s) => s.median, mb),
    ['failed runs', ...pkgs.map((p) => `${p.summary.failed}/${p.samples.length}`), ...(pkgs.length === 2 ? [''] : [])],
  ];
}

function profileText(label: string, p: Profile): string[] {
  const out = [`Where ${label}'s init goes (${p.tool}, ${p.totalMs.toFixed(1)} ms in module loading):`];
  if (p.error) out.push(`  profiled run failed: ${p.error.kind}: ${p.error.message}`);
  const w = Math.max(8, ...p.top.map((e) => e.package.length));
  out.push(`  ${'package'.padEnd(w)}  ${'inclusive'.padStart(10)}  ${'self'.padStart(10)}  modules`);
  for (const e of p.top.slice(0, 10))
    out.push(`  ${e.package.padEnd(w)}  ${ms(e.inclusiveMs).padStart(10)}  ${ms(e.selfMs).padStart(10)}  ${String(e.modules).padStart(7)}`);
  const tree = treeLines(p.tree, p.totalMs);
  if (tree.length) out.push('  heaviest loads (inclusive / self):', ...tree);
  if (p.loadedDuringInvoke.length)
    out.push(`  loaded later, during the first invoke: ${p.loadedDuringInvoke.slice(0, 8).join(', ')}${p.loadedDuringInvoke.length > 8 ? ' …' : ''}`);
  for (const n of p.notes) out.push(`  (${n})`);
  return out;
}

/** The loads that matter: up to 3 levels, each at least 5% of the total, heaviest first. */
function treeLines(nodes: ProfileNode[], total: number, depth = 0): string[] {
  if (depth > 2) return [];
  return [...nodes]
    .filter((n) => n.inclusiveMs >= Math.max(0.5, total * 0.05))
    .sort((a, b) => b.inclusiveMs - a.inclusiveMs)
    .slice(0, 6)
    .flatMap((n) => [`    ${'  '.repeat(depth)}${n.id}  ${ms(n.inclusiveMs)} / ${ms(n.selfMs)}`, ...treeLines(n.children, total, depth + 1)]);
}

function errorText(label: string, run: number, e: RunError): string[] {
  const out = [`${label} run ${run}: ${e.kind}${e.phase ? ` (${e.phase})` : ''}: ${e.message}`];
  if (e.stderrTail)
    out.push(
      ...e.stderrTail
        .split('\n')
        .slice(-8)
        .map((l) => `    | ${l}`),
    );
  return out;
}

export function formatMeasureText(r: MeasureResult): string {
  const pkgs = r.packages;
  const client = pkgs[0]?.runtimeClient ?? '?';
  const out: string[] = [];
  out.push(
    `faaslight measure: ${r.platform}, ${r.runtime} (${client}), ${r.runs} run(s) per package + ${r.warmupRuns} warm-up, event ${r.event}` +
      (r.memoryMb ? `, ${r.memoryMb} MB` : ''),
  );
  for (const p of pkgs) out.push(`  ${p.label}: ${p.input}  handler ${p.handler.handler} (${p.handler.source})`);
  out.push('');
  const header = ['', ...pkgs.map((p) => p.label), ...(pkgs.length === 2 ? ['B/A'] : [])];
  const body = rows(pkgs);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] ?? '').length)));
  out.push(pad(header, widths));
  for (const row of body) out.push(pad(row, widths));
  out.push('');
  if (r.comparison) out.push(`B/A end-to-end cold start: ${r.comparison.verdict}`);
  if (r.identicalOutputs !== null)
    out.push(r.identicalOutputs ? 'outputs of A and B identical on every run: yes' : `outputs of A and B DIFFER on run(s) ${r.outputDifferences.join(', ')}`);
  out.push(`CPU limit: ${r.cpu.applied}: ${r.cpu.detail}`);
  for (const n of r.notes) if (!n.startsWith('CPU: ')) out.push(`note: ${n}`);
  for (const p of pkgs) if (p.profile) out.push('', ...profileText(p.label, p.profile));
  const errors = pkgs.flatMap((p) => p.samples.filter((s) => s.error).map((s) => ({ label: p.label, run: s.run, e: s.error! })));
  if (errors.length) {
    out.push('', `${errors.length} run(s) failed:`);
    // The first failure of each kind in full, the rest as one line each.
    const shown = new Set<string>();
    for (const { label, run, e } of errors) {
      if (shown.has(`${label}:${e.kind}`)) out.push(`${label} run ${run}: ${e.kind}: ${e.message}`);
      else {
        shown.add(`${label}:${e.kind}`);
        out.push(...errorText(label, run, e));
      }
    }
  }
  return out.join('\n') + '\n';
}
