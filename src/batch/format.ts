// Reporters for batch results: a name → function map like src/report/reporters.ts.
import type { BatchResults, BatchRow, Pair } from './types.js';
import { summaryLine } from './summary.js';

/** RFC 4180: a field with a comma, quote, CR or LF (or edge spaces) is quoted, quotes doubled. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type Column = [header: string, get: (r: BatchRow) => unknown];

const pairCols = (name: string, get: (r: BatchRow) => Pair | undefined): Column[] => [
  [`${name}_before`, (r) => get(r)?.before],
  [`${name}_after`, (r) => get(r)?.after],
  [`${name}_ratio`, (r) => get(r)?.ratio],
];

const yesNo = (b: boolean | null | undefined) => (b === true ? 'yes' : b === false ? 'no' : '');

export const CSV_COLUMNS: Column[] = [
  ['app', (r) => r.app],
  ['status', (r) => r.status],
  ['runtime', (r) => r.runtime],
  ['handler', (r) => r.handler],
  ['files_before', (r) => r.package?.before.files],
  ['files_after', (r) => r.package?.after.files],
  ['bytes_before', (r) => r.package?.before.bytes],
  ['bytes_after', (r) => r.package?.after.bytes],
  ['zip_bytes_before', (r) => r.package?.before.zipBytes],
  ['zip_bytes_after', (r) => r.package?.after.zipBytes],
  ['eager', (r) => r.counts?.eager],
  ['lazy', (r) => r.counts?.lazy],
  ['stubbed', (r) => r.counts?.stubbed],
  ['stripped', (r) => r.counts?.stripped],
  ['analysis_ms', (r) => r.analysisMs],
  ['events', (r) => r.events?.length],
  ['measure_event', (r) => r.cold?.event],
  ['runs', (r) => r.cold?.runs],
  ...pairCols('init_ms', (r) => r.cold?.init),
  ...pairCols('first_invoke_ms', (r) => r.cold?.firstInvoke),
  ...pairCols('e2e_ms', (r) => r.cold?.e2e),
  ['e2e_ratio_ci_low', (r) => r.cold?.e2eInterval?.low],
  ['e2e_ratio_ci_high', (r) => r.cold?.e2eInterval?.high],
  ...pairCols('peak_rss_kb', (r) => r.cold?.peakRssKb),
  ['failed_runs_before', (r) => r.cold?.failedRuns.before],
  ['failed_runs_after', (r) => r.cold?.failedRuns.after],
  ['identical', (r) => yesNo(r.identical)],
  ['expected_checked', (r) => r.expected?.checked],
  ['expected_mismatches', (r) => r.expected?.optimizedMismatches.join(';')],
  ['fallback_loads', (r) => r.fallbackLoads.join(';')],
  ['error_phase', (r) => r.error?.phase],
  ['error', (r) => r.error?.message],
  ['notes', (r) => r.notes.join('; ')],
];

export function toCsv(rows: readonly BatchRow[]): string {
  const lines = [CSV_COLUMNS.map(([h]) => h).join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}

const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const mb = (b: number) => (b / 1e6).toFixed(b < 1e7 ? 2 : 1);
const ms = (x: number | null) => (x === null ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

function arrow<T>(before: T | null | undefined, after: T | null | undefined, f: (x: T) => string): string {
  if (before == null && after == null) return '';
  return `${before == null ? '–' : f(before)} → ${after == null ? '–' : f(after)}`;
}

function timed(p: Pair | undefined): string {
  if (!p) return '';
  return `${arrow(p.before, p.after, ms)}${p.ratio === null ? '' : ` (×${p.ratio.toFixed(2)})`}`;
}

export function firstLine(s: string, max = 140): string {
  const l = s.split('\n')[0];
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
}

function note(r: BatchRow): string {
  const parts: string[] = [];
  if (r.error) parts.push(`${r.error.phase}: ${firstLine(r.error.message)}`);
  if (r.differences?.length) parts.push(`differs: ${r.differences.join(', ')}`);
  if (r.expected?.optimizedMismatches.length) parts.push(`≠ expected: ${r.expected.optimizedMismatches.join(', ')}`);
  parts.push(...r.notes);
  return parts.join('; ');
}

export function toMarkdown(results: BatchResults): string {
  const head = [
    'app',
    'runtime',
    'status',
    'files',
    'MB',
    'zip MB',
    'eager / lazy / stubbed / stripped',
    'analysis s',
    'init ms',
    'first invoke ms',
    'end-to-end ms',
    'peak RSS MB',
    'identical',
    'fallback loads',
    'note',
  ];
  const lines = [
    `Summary: ${summaryLine(results.summary)}`,
    '',
    `Cold starts: medians of ${results.options.runsRange ? results.options.runsRange.join('–') : results.options.runs} fresh instance(s) per side after ${results.options.warmup} warm-up pair(s), before and after interleaved; ratio = after / before; n.s. = the 95% bootstrap interval of the end-to-end ratio contains 1. ${results.machine.cpus} CPU(s), Node ${results.machine.node}, ${results.machine.platform}, ${results.createdAt}.`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map((_h, i) => (i < 3 || i >= 12 ? '---' : '--:')).join('|')}|`,
  ];
  for (const r of results.rows) {
    const c = r.counts;
    const cells = [
      r.app,
      r.runtime ?? '',
      r.status,
      arrow(r.package?.before.files, r.package?.after.files, String),
      arrow(r.package?.before.bytes, r.package?.after.bytes, mb),
      arrow(r.package?.before.zipBytes, r.package?.after.zipBytes, mb),
      c ? `${c.eager} / ${c.lazy} / ${c.stubbed} / ${c.stripped}` : '',
      r.analysisMs === undefined ? '' : (r.analysisMs / 1000).toFixed(1),
      timed(r.cold?.init),
      timed(r.cold?.firstInvoke),
      // "n.s.": the bootstrap interval of the ratio contains 1.0 (no difference shown at this number of runs).
      `${timed(r.cold?.e2e)}${r.cold?.e2eInterval && !r.cold.e2eInterval.significant ? ' n.s.' : ''}`,
      arrow(r.cold?.peakRssKb.before, r.cold?.peakRssKb.after, (kb: number) => (kb / 1024).toFixed(0)),
      yesNo(r.identical),
      r.fallbackLoads.length ? String(r.fallbackLoads.length) : r.status === 'error' ? '' : '0',
      note(r),
    ];
    lines.push(`| ${cells.map((x) => mdCell(x)).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

/** A compact fixed-width table for the terminal. */
export function toText(results: BatchResults): string {
  const head = ['app', 'status', 'files', 'zip MB', 'lazy+stub', 'stripped', 'init ms', 'e2e ms', 'e2e ×', 'RSS MB', 'same', 'note'];
  const rows = results.rows.map((r) => [
    r.app,
    r.status,
    arrow(r.package?.before.files, r.package?.after.files, String),
    arrow(r.package?.before.zipBytes, r.package?.after.zipBytes, mb),
    r.counts ? String(r.counts.lazy + r.counts.stubbed) : '',
    r.counts ? String(r.counts.stripped) : '',
    arrow(r.cold?.init.before, r.cold?.init.after, ms),
    arrow(r.cold?.e2e.before, r.cold?.e2e.after, ms),
    r.cold?.e2e.ratio == null ? '' : r.cold.e2e.ratio.toFixed(2),
    arrow(r.cold?.peakRssKb.before, r.cold?.peakRssKb.after, (kb: number) => (kb / 1024).toFixed(0)),
    yesNo(r.identical),
    firstLine(note(r), 80),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line), '', `Summary: ${summaryLine(results.summary)}`, ''].join('\n');
}

export const BATCH_REPORTERS: Record<string, (r: BatchResults) => string> = {
  text: toText,
  markdown: toMarkdown,
  csv: (r) => toCsv(r.rows),
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
};
