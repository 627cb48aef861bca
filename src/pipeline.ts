// The pipeline, as a list of stages: load → analyze → plan → transform → [bundle] → package → verify → [measure].
// The language-specific work sits behind one interface (src/lang/types.ts), picked by the app's runtime;
// each stage is timed and returns the job with its results. The CLI and tests call `analyzeApp` / `optimizeApp`.
// The stages after plan import their modules when they run (package: archiver; verify and measure: the
// sandbox), so `analyze` loads only what analysing needs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJob, loadedJob, stage, type AnalyzedJob, type JobOptions, type OptimizedJob, type ResolvedOptions } from './job.js';
import { loadApp } from './app/index.js';
import { languageFor } from './lang/index.js';
import type { LanguageAdapter } from './lang/types.js';
import { makePlan, revertToEager } from './plan/plan.js';
import { expandEvents } from './verify/events.js';
import type { HarnessOutcome } from './verify/index.js';
import { diag, FaaslightError, UsageError } from './diagnostics.js';
import { isInside } from './util/paths.js';
import { summarize, type OptimizeSummary } from './report/summary.js';
import type { ImportDecision, TraceResult, VerifyResult } from './types.js';

export { nodeVersionFor } from './lang/js/imports.js';

function withDefaults(options: JobOptions): ResolvedOptions {
  const input = path.resolve(options.input);
  const out = options.out ? path.resolve(options.out) : `${input.replace(/[\\/]+$/, '')}.opt`;
  const zipPath = options.zipPath ? path.resolve(options.zipPath) : `${out}.zip`;
  // Only an explicit false turns stripping or laziness off (callers pass the CLI's undefined through).
  return { ...options, input, out, zipPath, strip: options.strip !== false, lazy: options.lazy !== false };
}

/** Load, analyse and plan. Writes nothing. */
export async function analyzeApp(options: JobOptions): Promise<AnalyzedJob> {
  const job = createJob(withDefaults(options));
  const o = job.options;
  const { app, diagnostics } = await stage(job, 'load', () =>
    loadApp(o.input, { handlers: o.handlers, target: o.target, runtime: o.runtime, followExternalLinks: o.followExternalLinks }),
  );
  job.diagnostics.push(...diagnostics);
  const loaded = loadedJob(job, app);
  const lang = languageFor(app.runtime, app.handlers[0]?.handler);

  const analysis = await lang.analyze(loaded);
  const checked = lang.check?.(loaded, analysis) ?? [];
  job.diagnostics.push(...checked);
  const failed = checked.find((d) => d.severity === 'error');
  if (failed) throw new FaaslightError(failed.note ? `${failed.message} (${failed.note})` : failed.message, 1, failed);
  let trace: TraceResult | undefined;
  if (o.traceEvents?.length) {
    const events = await expandEvents(o.traceEvents);
    const run = await stage(job, 'trace', () => lang.trace(loaded, events));
    trace = run.trace;
    job.diagnostics.push(...run.diagnostics);
  }

  const { analyzed, notes } = await stage(job, 'plan', () => {
    const decided = lang.decide(loaded, { ...analysis, trace });
    const plan = makePlan({ app, graph: analysis.graph, trace, strip: o.strip, sizeOf: loaded.sizeOf, diagnostics: job.diagnostics, ...decided });
    const analyzed: AnalyzedJob = { ...loaded, graph: analysis.graph, sites: analysis.sites, trace, plan, stubs: analysis.stubs };
    lang.decideRewrites(analyzed);
    return { analyzed, notes: decided.notes };
  });
  job.diagnostics.push(...notes);
  return analyzed;
}

export interface OptimizeResult {
  job: OptimizedJob;
  summary: OptimizeSummary;
}

/** Analyse, rewrite, package, and (with verifyEvents) verify. The input folder is never written. */
export async function optimizeApp(options: JobOptions): Promise<OptimizeResult> {
  const o = withDefaults(options);
  if (o.memoryMb !== undefined && (!Number.isInteger(o.memoryMb) || o.memoryMb < 128 || o.memoryMb > 10240))
    throw new UsageError(`--memory must be an integer between 128 and 10240 MB (Lambda's range), got ${o.memoryMb}`);
  if (isInside(o.input, o.out) || isInside(o.out, o.input) || isInside(o.input, o.zipPath)) {
    throw new UsageError(
      `the output (${o.out}) must not be inside the input (${o.input}) or contain it`,
      diag('FL005', 'error', 'output path inside the input'),
    );
  }
  const job = await analyzeApp(o);
  const lang = languageFor(job.app.runtime);

  const transformed = await stage(job, 'transform', () => lang.transform(job));
  // The plan then says what the package does: what the rewrite could not carry out is eager, with the reason.
  for (const { decision, reason } of transformed.notApplied) revertToEager(decision, reason);
  for (const { value, reason } of transformed.valuesNotApplied ?? []) Object.assign(value, { decision: 'eager', reason });
  for (const { stub, reason } of transformed.stubsNotApplied ?? []) Object.assign(stub, { decision: 'keep', reason });
  if (job.plan.stubs) {
    const stubbed = new Set(job.plan.stubs.filter((s) => s.decision === 'stub').map((s) => `${s.file}:${s.line}`));
    job.stubs = (job.stubs ?? []).filter((s) => stubbed.has(`${s.file}:${s.line}`));
  }
  // Units decided on code the rewrite did not fully produce are decided again on the actual code.
  const stale = transformed.notApplied.length > 0 || (transformed.valuesNotApplied?.length ?? 0) > 0;

  const bundler = o.bundle ? lang.bundle : undefined;
  const bundle = bundler ? await stage(job, 'bundle', () => bundler.build(job, transformed.code, { stale })) : undefined;
  if (bundle) {
    for (const [f, code] of bundle.code) transformed.code.set(f, code);
    job.diagnostics.push(...bundle.diagnostics);
  }

  const { notStored, ...extras } = lang.packageExtras(job, bundle);
  const bundled = new Set(bundle?.bundled);
  const keep = job.plan.files.filter((f) => f.decision === 'keep' && !bundled.has(f.file)).map((f) => f.file);
  const strip = [...job.plan.files.filter((f) => f.decision === 'strip' && !notStored?.(f.file)).map((f) => f.file), ...bundled];
  const { writePackage } = await import('./package/index.js');
  const packageResult = await stage(job, 'package', () =>
    writePackage({
      root: job.app.root,
      outDir: o.out,
      zipPath: o.zipPath,
      keep,
      strip,
      transformed: transformed.code,
      handlerFiles: [...new Set(job.app.handlers.map((h) => h.file))],
      storeAlso: transformed.storeAlso,
      ...extras,
    }),
  );
  const optimized: OptimizedJob = { ...job, packageResult, bundle };
  if (bundler && bundle) await bundler.afterPackage(optimized);

  optimized.verify = await verifyStage(optimized, lang);
  optimized.measure = await measureStage(optimized);
  return { job: optimized, summary: summarize(optimized) };
}

/** Names, per event, the lazy imports whose module the optimized handler first loaded while it ran. */
function markLazyLoads(result: VerifyResult, imports: ImportDecision[]): void {
  const lazy = imports.filter((d) => d.decision === 'lazy' && d.target);
  for (const e of result.events) {
    const loaded = new Set(e.optimized.loadedAtInvoke ?? []);
    e.lazyLoads = lazy
      .filter((d) => (d.target && loaded.has(d.target)) || d.narrow?.some((n) => loaded.has(n.file)))
      .map((d) => `${d.site.file}:${d.site.specifier}`);
  }
}

/**
 * Runs original and optimized on every event (both runtimes); a handler failing at init fails the job.
 * With `fallbackDirEnv` (Python), stripped files are restored into a private folder per run, removed afterwards.
 */
async function verifyStage(job: OptimizedJob, lang: LanguageAdapter): Promise<VerifyResult | undefined> {
  const { fallbackDirEnv } = lang;
  const o = job.options;
  if (!o.verifyEvents?.length) return undefined;
  const events = await expandEvents(o.verifyEvents);
  const { verify, verifyDiagnostics } = await import('./verify/index.js');
  const mirror = fallbackDirEnv ? await fs.promises.mkdtemp(path.join(os.tmpdir(), 'faaslight-verify-')) : undefined;
  try {
    const result = await stage(job, 'verify', () =>
      verify(job.app.root, o.out, job.app.handlers, events, fallbackDirEnv && mirror ? { env: { [fallbackDirEnv]: mirror } } : {}),
    );
    markLazyLoads(result, job.plan.imports);
    job.diagnostics.push(...verifyDiagnostics(result), ...(lang.runNotes?.(job) ?? []));
    // A handler that cannot initialise is not a successful optimization, even when both sides agree.
    for (const e of result.events) {
      const original = e.original as HarnessOutcome;
      if (!original.ok && original.phase === 'init') {
        result.ok = false;
        job.diagnostics.push(
          diag(
            'FL105',
            'error',
            `${e.handler} throws at init with ${path.basename(e.event)} (original package too): ${original.error?.name}: ${original.error?.message}`,
            {
              note: 'fix the handler or its environment; faaslight verifies packages that initialise',
            },
          ),
        );
      }
    }
    return result;
  } finally {
    if (mirror) await fs.promises.rm(mirror, { recursive: true, force: true });
  }
}

/** After verifying, the cold start of the original vs the optimized package (both runtimes). */
async function measureStage(job: OptimizedJob): Promise<OptimizedJob['measure']> {
  const o = job.options;
  if (!o.measureRuns) return undefined;
  const event = o.measureEvent ?? (o.verifyEvents?.length ? (await expandEvents(o.verifyEvents))[0] : undefined);
  const { measure } = await import('./measure/index.js');
  const result = await stage(job, 'measure', () =>
    measure({ input: job.app.root, vs: o.out, handler: job.app.handlers[0], event, runs: o.measureRuns, memoryMb: o.memoryMb }),
  );
  job.diagnostics.push(...result.diagnostics);
  return result;
}
