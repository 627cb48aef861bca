// Corpus-level figures: ratios are after/before per app, combined by the median and the geometric
// mean (the mean that treats 0.5× and 2× as symmetric, the usual way to average speed-up ratios).
import { median, round } from '../measure/stats.js';
import type { BatchAppRow, BatchResults as ReportBatchResults } from '../report/html/types.js';
import type { Runtime } from '../types.js';
import type { BatchResults, BatchRow, BatchSummary, Pair, Ratios } from './types.js';

export function ratioOf(before: number | null | undefined, after: number | null | undefined): number | null {
  if (before == null || after == null || !(before > 0) || !Number.isFinite(after) || after < 0) return null;
  return round(after / before, 3);
}

export function pair(before: number | null | undefined, after: number | null | undefined): Pair {
  return { before: before ?? null, after: after ?? null, ratio: ratioOf(before, after) };
}

/** exp(mean(ln x)); null for no values; a zero ratio makes it 0 (and a negative or non-finite value is an error). */
export function geometricMean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`geometric mean of a non-positive or non-finite value: ${v}`);
    if (v === 0) return 0;
    s += Math.log(v);
  }
  return Math.exp(s / values.length);
}

export function ratios(values: readonly (number | null | undefined)[]): Ratios {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const g = geometricMean(xs);
  return { n: xs.length, median: xs.length ? round(median(xs), 3) : null, geomean: g === null ? null : round(g, 3) };
}

export function summarizeRows(rows: readonly BatchRow[], corpus: readonly string[] = []): BatchSummary {
  // Ratios only from apps whose outputs stayed identical: a faster wrong answer is not a speed-up.
  const measured = rows.filter((r) => r.status === 'ok' && r.cold);
  let worst: BatchSummary['worst'] = null;
  for (const r of measured) {
    const x = r.cold!.e2e.ratio;
    if (x !== null && (worst === null || x > worst.e2eRatio)) worst = { app: r.app, e2eRatio: x };
  }
  const have = new Set(rows.map((r) => r.app));
  return {
    apps: rows.length,
    ok: rows.filter((r) => r.status === 'ok').length,
    differs: rows.filter((r) => r.status === 'differs').length,
    errors: rows.filter((r) => r.status === 'error').length,
    init: ratios(measured.map((r) => r.cold!.init.ratio)),
    firstInvoke: ratios(measured.map((r) => r.cold!.firstInvoke.ratio)),
    e2e: ratios(measured.map((r) => r.cold!.e2e.ratio)),
    peakRss: ratios(measured.map((r) => r.cold!.peakRssKb.ratio)),
    zipBytes: ratios(rows.filter((r) => r.status === 'ok' && r.package).map((r) => ratioOf(r.package!.before.zipBytes, r.package!.after.zipBytes))),
    worst,
    missing: corpus.filter((a) => !have.has(a)),
  };
}

const fmtRatio = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));

/** One line: counts, then after/before ratios (median and geometric mean), then the worst app. */
export function summaryLine(s: BatchSummary): string {
  const parts = [`${s.apps} app${s.apps === 1 ? '' : 's'}: ${s.ok} ok, ${s.differs} differ, ${s.errors} error${s.errors === 1 ? '' : 's'}`];
  if (s.e2e.n) {
    parts.push(
      `after/before over ${s.e2e.n} measured: end-to-end cold start median ${fmtRatio(s.e2e.median)}, geomean ${fmtRatio(s.e2e.geomean)}` +
        `; init ${fmtRatio(s.init.median)} / ${fmtRatio(s.init.geomean)}` +
        `; first invoke ${fmtRatio(s.firstInvoke.median)} / ${fmtRatio(s.firstInvoke.geomean)}` +
        `; peak RSS ${fmtRatio(s.peakRss.median)} / ${fmtRatio(s.peakRss.geomean)}` +
        `; zip ${fmtRatio(s.zipBytes.median)} / ${fmtRatio(s.zipBytes.geomean)}`,
    );
  } else parts.push('no app measured');
  if (s.worst) parts.push(`worst: ${s.worst.app} (end-to-end ×${fmtRatio(s.worst.e2eRatio)})`);
  if (s.missing.length) parts.push(`missing: ${s.missing.join(', ')}`);
  return parts.join(' · ');
}

const ba = (before: number | null | undefined, after: number | null | undefined) => ({ before: before ?? null, after: after ?? null });

/** A row in the HTML report's flat batch shape (src/report/html/types.ts BatchAppRow). */
export function reportRow(r: BatchRow): BatchAppRow {
  const c = r.cold;
  const p = r.package;
  return {
    app: r.app,
    runtime: (r.runtime ?? 'nodejs') as Runtime,
    ...(r.error
      ? { error: `${r.error.phase}: ${r.error.message}` }
      : r.status === 'differs'
        ? { error: `outputs differ: ${(r.differences ?? []).join(', ') || 'expected/'}` }
        : {}),
    ...(p ? { files: ba(p.before.files, p.after.files), bytes: ba(p.before.bytes, p.after.bytes), zipBytes: ba(p.before.zipBytes, p.after.zipBytes) } : {}),
    ...(r.counts ? { counts: { eager: r.counts.eager, lazy: r.counts.lazy, stubbed: r.counts.stubbed, stripped: r.counts.stripped } } : {}),
    ...(r.analysisMs !== undefined ? { analysisMs: r.analysisMs } : {}),
    ...(c
      ? {
          initMs: ba(c.init.before, c.init.after),
          firstInvokeMs: ba(c.firstInvoke.before, c.firstInvoke.after),
          e2eMs: ba(c.e2e.before, c.e2e.after),
          peakRssKb: ba(c.peakRssKb.before, c.peakRssKb.after),
          ratio: c.e2e.ratio,
          ...(c.e2eInterval ? { interval: { low: c.e2eInterval.low, high: c.e2eInterval.high, level: c.e2eInterval.level ?? 0.95 } } : {}),
        }
      : {}),
    identical: r.identical,
    fallbackLoads: r.fallbackLoads,
  };
}

/** Adds the report's view (kind, apps, summary ratios) to a batch result. */
export function withReportView(r: Omit<BatchResults, 'kind' | 'apps' | 'runs' | 'startedAt' | 'summary'> & { summary: BatchSummary }): BatchResults {
  const s = r.summary;
  const out: BatchResults = {
    kind: 'faaslight.batch',
    ...r,
    runs: r.options.runs,
    startedAt: r.createdAt,
    apps: r.rows.map(reportRow),
    summary: { ...s, medianRatio: s.e2e.median, geomeanRatio: s.e2e.geomean, worstApp: s.worst?.app ?? null, failed: s.errors + s.differs },
  };
  const asReportInput: ReportBatchResults = out; // compile-time check of the report's input contract
  return asReportInput === out ? out : out;
}
