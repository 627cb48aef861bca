// One app of the batch: optimize (with verification on every events/*.json), compare with the
// committed expected/<event>.json, measure before/after cold starts. Whatever fails becomes the
// row's error; nothing here throws past the caller.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { optimizeApp, type OptimizeResult } from '../pipeline.js';
import { measure } from '../measure/index.js';
import { eventLabels } from '../verify/events.js';
import type { OptimizeSummary } from '../report/summary.js';
import type { InvokeOutcome, VerifyResult } from '../types.js';
import type { MeasureResult } from '../measure/types.js';
import type { MeasureLock } from './lock.js';
import { pair } from './summary.js';
import { RESULT_FILE, type BatchOptions, type BatchPhase, type BatchRow } from './types.js';

// Stages of optimizeApp that are not analysis (see src/pipeline.ts).
const NOT_ANALYSIS = new Set(['transform', 'package', 'verify', 'measure']);

export interface AppContext {
  name: string;
  /** The app folder in the corpus. */
  dir: string;
  /** <resultsDir>/<app>. */
  out: string;
  options: Required<Pick<BatchOptions, 'runs' | 'warmup'>> & Pick<BatchOptions, 'runtimeClient' | 'python' | 'memoryMb' | 'onProgress'>;
  lock: MeasureLock;
}

async function eventFiles(dir: string): Promise<string[]> {
  const names = await fsp.readdir(path.join(dir, 'events')).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => path.join(dir, 'events', n));
}

/** What a committed expected file and a harness outcome are compared on (as verify does: not the stack). */
function comparable(o: Partial<InvokeOutcome>) {
  return { ok: o.ok === true, output: o.output ?? null, error: o.error ? { name: o.error.name, message: o.error.message } : null };
}

async function compareExpected(dir: string, files: string[], verify: VerifyResult, handler: string): Promise<BatchRow['expected']> {
  const labels = eventLabels(files);
  const byLabel = new Map([...labels].map(([f, l]) => [l, f]));
  const result = { checked: 0, optimizedMismatches: [] as string[], originalMismatches: [] as string[] };
  for (const e of verify.events) {
    if (e.handler !== handler) continue;
    const file = byLabel.get(e.event);
    if (!file) continue;
    const text = await fsp.readFile(path.join(dir, 'expected', path.basename(file)), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const want = comparable(JSON.parse(text));
    result.checked++;
    if (!isDeepStrictEqual(comparable(e.optimized), want)) result.optimizedMismatches.push(e.event);
    if (!isDeepStrictEqual(comparable(e.original), want)) result.originalMismatches.push(e.event);
  }
  return result.checked ? result : undefined;
}

async function writeJson(file: string, data: unknown): Promise<void> {
  await fsp.writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
}

function fail(row: BatchRow, phase: BatchPhase, e: unknown): void {
  row.status = 'error';
  row.error = { phase, message: e instanceof Error ? e.message : String(e) };
}

function fillFromSummary(row: BatchRow, s: OptimizeSummary, files: string[]): void {
  row.runtime = s.app.runtime;
  row.handler = s.app.handlers[0]?.handler;
  if (s.package) row.package = { before: s.package.before, after: s.package.after };
  const c = s.counts;
  row.counts = { eager: c.eager, lazy: c.lazy, stubbed: c.stubbed, stripped: c.stripped, kept: c.kept };
  row.analysisMs = Math.round(s.timings.filter((t) => !NOT_ANALYSIS.has(t.stage)).reduce((n, t) => n + t.ms, 0));
  row.events = files.map((f) => path.basename(f));
  if (s.verify) {
    row.identical = s.verify.events.every((e) => e.identical);
    row.differences = s.verify.events.filter((e) => !e.identical).map((e) => `${e.event}${s.app.handlers.length > 1 ? ` (${e.handler})` : ''}`);
    row.fallbackLoads = [...new Set(s.verify.events.flatMap((e) => e.fallbackLoads))].sort();
  } else row.notes.push('no events/*.json: outputs not verified');
}

function fillFromMeasure(row: BatchRow, m: MeasureResult, event: string): void {
  const [a, b] = m.packages;
  const med = (p: typeof a, k: 'initMs' | 'durationMs' | 'e2eMs' | 'peakRssKb') => p.summary[k]?.median ?? null;
  const iv = m.comparison?.interval;
  row.cold = {
    event,
    runs: m.runs,
    handler: a.handler.handler,
    init: pair(med(a, 'initMs'), med(b, 'initMs')),
    firstInvoke: pair(med(a, 'durationMs'), med(b, 'durationMs')),
    e2e: pair(med(a, 'e2eMs'), med(b, 'e2eMs')),
    peakRssKb: pair(med(a, 'peakRssKb'), med(b, 'peakRssKb')),
    failedRuns: { before: a.summary.failed, after: b.summary.failed },
    ...(iv && m.comparison ? { e2eInterval: { low: iv.low, high: iv.high, level: iv.level, significant: m.comparison.significant } } : {}),
  };
  if (m.identicalOutputs === false) {
    row.identical = false;
    row.differences = [...(row.differences ?? []), ...m.outputDifferences.map((i) => `measure run ${i}`)];
  }
  if (a.summary.failed || b.summary.failed) {
    const err = [...a.samples, ...b.samples].find((s) => s.error)?.error;
    row.notes.push(`failed measured runs: ${a.summary.failed} before, ${b.summary.failed} after${err ? ` (${err.kind}: ${err.message.split('\n')[0]})` : ''}`);
  }
}

export async function runApp(ctx: AppContext): Promise<BatchRow> {
  const t0 = performance.now();
  const row: BatchRow = { app: ctx.name, status: 'ok', identical: null, fallbackLoads: [], notes: [], startedAt: new Date().toISOString(), wallMs: 0 };
  const progress = ctx.options.onProgress;
  const done = (): BatchRow => {
    row.wallMs = Math.round(performance.now() - t0);
    return row;
  };
  // Only our own files are removed; opt/ is emptied by the packager, which checks it is a faaslight output.
  await fsp.mkdir(ctx.out, { recursive: true });
  for (const f of [RESULT_FILE, 'optimize.json', 'measure.json']) await fsp.rm(path.join(ctx.out, f), { force: true });
  const files = await eventFiles(ctx.dir);
  const optDir = path.join(ctx.out, 'opt');

  let result: OptimizeResult;
  try {
    progress?.({ type: 'phase', app: ctx.name, phase: 'optimize' });
    result = await ctx.lock.runShared(() =>
      optimizeApp({ input: ctx.dir, out: optDir, zipPath: path.join(ctx.out, 'opt.zip'), verifyEvents: files.length ? files : undefined }),
    );
    await writeJson(path.join(ctx.out, 'optimize.json'), result.summary);
  } catch (e) {
    fail(row, 'optimize', e);
    return done();
  }
  const { job, summary } = result;
  fillFromSummary(row, summary, files);
  const handlers = job.app.handlers;
  // Measured: the first AWS-style handler; a Node app with only GCF entries through the Functions Framework.
  const handler = handlers.find((h) => h.style === 'aws') ?? handlers[0];
  const gcf = handler.style === 'gcf';
  if (job.verify) {
    row.expected = await compareExpected(ctx.dir, files, job.verify, handlers[0].handler);
    if (!job.verify.ok && row.identical) {
      // Both sides agree but the original itself fails at init (FL105): nothing meaningful to measure.
      const d = summary.diagnostics.find((x) => x.id === 'FL105');
      fail(row, 'verify', d?.message ?? 'verification failed');
      return done();
    }
    if (row.expected?.originalMismatches.length)
      row.notes.push(
        `the original package itself differs from expected/ for ${row.expected.originalMismatches.join(', ')} (in verify's Lambda-like environment): not a change made by faaslight`,
      );
  }

  // Measured on the first event the original answers without an error (else the first event).
  const labels = eventLabels(files);
  const answered = new Set(job.verify?.events.filter((e) => e.handler === handler.handler && e.original.ok).map((e) => e.event) ?? []);
  const event = files.find((f) => answered.has(labels.get(f)!)) ?? files[0];
  try {
    progress?.({ type: 'phase', app: ctx.name, phase: 'measure' });
    const m = await ctx.lock.runExclusive(() =>
      measure({
        input: job.app.root,
        vs: optDir,
        handler,
        platform: gcf && handler.runtime === 'nodejs' ? 'gcf' : 'aws',
        event,
        runs: ctx.options.runs,
        warmup: ctx.options.warmup,
        runtimeClient: ctx.options.runtimeClient,
        python: ctx.options.python,
        memoryMb: ctx.options.memoryMb,
        onProgress: (ev) => {
          if (ev.type === 'run') progress?.({ type: 'measure-run', app: ctx.name, done: ev.done, total: ev.total });
        },
      }),
    );
    await writeJson(path.join(ctx.out, 'measure.json'), m);
    fillFromMeasure(row, m, event ? path.basename(event) : '{}');
  } catch (e) {
    fail(row, 'measure', e);
  }
  // A changed output is the finding that matters most: it stays "differs" even when the measurement failed.
  const changed = row.expected?.optimizedMismatches.filter((e) => !row.expected!.originalMismatches.includes(e)) ?? [];
  if (row.identical === false || changed.length) row.status = 'differs';
  return done();
}
