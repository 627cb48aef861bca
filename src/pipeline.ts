// The pipeline, as a list of stages: load → analyze → plan → transform → package → verify.
// Each stage is timed and adds to the job object; the CLI and tests call `analyzeApp` / `optimizeApp`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJob, stage, type Job, type JobOptions } from './job.js';
import { loadApp } from './app/index.js';
import { lambdaNodeMajor } from './app/handler-string.js';
import { buildGraph } from './lang/js/analyze/graph.js';
import { createResolver } from './lang/js/analyze/resolve.js';
import { analyzeBindings } from './lang/js/analyze/bindings.js';
import { isDeferrableBuiltin, mentionsDeferrableBuiltin } from './lang/js/analyze/builtins.js';
import { barrelExports, type BarrelMap } from './lang/js/analyze/barrel.js';
import { traceApp } from './lang/js/analyze/trace.js';
import { makePlan } from './plan/plan.js';
import { rewriteLazy } from './lang/js/transform/index.js';
import { writePackage } from './package/index.js';
import { bundleApp, codeCacheStage, ESM_REQUIRE_LINE } from './lang/js/bundle/index.js';
import { verify, verifyDiagnostics, expandEvents, type HarnessOutcome } from './verify/index.js';
import { diag, FaaslightError, UsageError } from './diagnostics.js';
import { abs, isInside } from './util/paths.js';
import { readTextSync } from './util/files.js';
import { summarize, type OptimizeSummary } from './report/summary.js';
import { measure } from './measure/index.js';
import type { BindingSite, ImportDecision, VerifyResult } from './types.js';
import { analyzePythonJob, packagePythonJob } from './pipeline-python.js';
import { interpreterDiagnostics } from './lang/python/interpreter.js';

/** Names, per event, the lazy imports whose module the optimized handler first loaded while it ran. */
function markLazyLoads(result: VerifyResult, imports: ImportDecision[]): void {
  const lazy = imports.filter((d) => d.decision === 'lazy' && d.target);
  for (const e of result.events) {
    const loaded = new Set(e.optimized.loadedAtInvoke ?? []);
    e.lazyLoads = lazy.filter((d) => loaded.has(d.target!) || d.narrow?.some((n) => loaded.has(n.file))).map((d) => `${d.site.file}:${d.site.specifier}`);
  }
}

/** Target Node version for a deployment runtime id; conservative where the platform's minor is unknown. */
export function nodeVersionFor(runtimeId: string | undefined, configured?: string): string {
  if (configured) return configured;
  const major = lambdaNodeMajor(runtimeId);
  if (major === undefined) return process.versions.node;
  // Only the major is known, and Lambda starts nodejs20.x and nodejs22.x with
  // --no-experimental-require-module: no require(esm) there whatever the minor (24+ has it unflagged).
  // A user who re-enables it through NODE_OPTIONS says so with the "nodeVersion" setting.
  return `${major}.0.0`;
}

function withDefaults(options: JobOptions): JobOptions {
  const input = path.resolve(options.input);
  const out = options.out ? path.resolve(options.out) : `${input.replace(/[\\/]+$/, '')}.opt`;
  return { strip: true, lazy: true, ...options, input, out, zipPath: options.zipPath ? path.resolve(options.zipPath) : `${out}.zip` };
}

/** Load, analyse and plan. Writes nothing. */
export async function analyzeApp(options: JobOptions): Promise<Job> {
  const job = createJob(withDefaults(options));
  const o = job.options;
  const { app, diagnostics } = await stage(job, 'load', () => loadApp(o.input, { handlers: o.handlers, target: o.target, runtime: o.runtime }));
  job.app = app;
  job.diagnostics.push(...diagnostics);
  if (app.runtime === 'python') return analyzePythonJob(job);
  if (app.runtime !== 'nodejs') throw new FaaslightError(`no optimizer for runtime ${app.runtime} (handler ${app.handlers[0]?.handler})`, 1);

  const sources = new Map<string, string | undefined>();
  const readSource = (rel: string): string | undefined => {
    if (sources.has(rel)) return sources.get(rel);
    const r = readTextSync(abs(app.root, rel), undefined, rel);
    const text = 'text' in r ? r.text : undefined;
    if ('error' in r && r.error) job.diagnostics.push(r.error);
    sources.set(rel, text);
    return text;
  };
  const entries = [...new Set(app.handlers.map((h) => h.file))];
  job.graph = await stage(job, 'graph', () =>
    buildGraph(app.root, entries, {
      files: app.files,
      readFile: readSource,
      cache: job.analyses,
      opaque: app.config.opaque,
      diagnostics: job.diagnostics,
    }),
  );

  if (o.traceEvents?.length) {
    const events = await expandEvents(o.traceEvents);
    const run = await stage(job, 'trace', () => traceApp(app.root, app.handlers, events));
    job.trace = run;
    job.diagnostics.push(...run.diagnostics);
  }

  // Laziness is decided in the app's own code: that is where handlers import their dependencies at the
  // top, and where a rewrite is easy to review. Inside node_modules only requires of the built-ins in
  // lang/js/analyze/builtins.ts are considered: loading one changes nothing but itself, so deferring it inside a
  // package is as safe as in the app (and Lambda compiles every built-in from source).
  job.sites = await stage(job, 'bindings', () => {
    const sites: BindingSite[] = [];
    for (const [file, info] of Object.entries(job.graph!.files)) {
      if (info.kind !== 'js') continue;
      const inPackage = file.split('/').includes('node_modules');
      const code = readSource(file);
      if (code === undefined || (inPackage && !mentionsDeferrableBuiltin(code))) continue;
      const r = analyzeBindings(file, code, { isESM: info.isESM });
      if (inPackage) {
        sites.push(...r.sites.filter((s) => isDeferrableBuiltin(s.specifier)));
        continue;
      }
      if (r.error) job.diagnostics.push(diag('FL101', 'warning', `${file}: ${r.error}; its imports stay eager`, { file }));
      sites.push(...r.sites);
    }
    return sites;
  });

  const resolver = createResolver(app.root);
  const sizes = new Map<string, number>();
  const barrels = new Map<string, BarrelMap | undefined>();
  const barrel = (file: string): BarrelMap | undefined => {
    if (!barrels.has(file)) {
      const code = readSource(file);
      barrels.set(file, code === undefined || job.graph!.files[file]?.isESM ? undefined
        : barrelExports({ code, resolve: (spec) => resolver.resolve(file, spec, 'require').file, readSource }));
    }
    return barrels.get(file);
  };
  job.plan = await stage(job, 'plan', () =>
    makePlan({
      app,
      graph: job.graph!,
      sites: job.sites,
      trace: job.trace,
      nodeVersion: nodeVersionFor(app.handlers[0]?.runtimeId, o.nodeVersion ?? app.config.nodeVersion),
      lazy: o.lazy !== false,
      strip: o.strip !== false,
      resolveRequire: (from, spec) => resolver.resolve(from, spec, 'require').file,
      barrel,
      readSource,
      sizeOf: (f) => {
        let s = sizes.get(f);
        if (s === undefined) sizes.set(f, (s = fs.statSync(abs(app.root, f)).size));
        return s;
      },
      diagnostics: job.diagnostics,
    }),
  );
  for (const d of job.plan.imports) {
    if (d.decision === 'eager' && d.site.usage === 'deferred') {
      job.diagnostics.push(
        diag('FL201', 'info', `${d.site.file}:${d.site.line} require('${d.site.specifier}') kept eager: ${d.reason.text}`, {
          file: d.site.file,
          line: d.site.line,
        }),
      );
    }
  }
  return job;
}

export interface OptimizeResult {
  job: Job;
  summary: OptimizeSummary;
}

/** Analyse, rewrite, package, and (with verifyEvents) verify. The input folder is never written. */
export async function optimizeApp(options: JobOptions): Promise<OptimizeResult> {
  const o = withDefaults(options);
  if (o.memoryMb !== undefined && (!Number.isInteger(o.memoryMb) || o.memoryMb < 128 || o.memoryMb > 10240))
    throw new UsageError(`--memory must be an integer between 128 and 10240 MB (Lambda's range), got ${o.memoryMb}`);
  if (isInside(o.input, o.out!) || isInside(o.out!, o.input) || isInside(o.input, o.zipPath!)) {
    throw new UsageError(`the output (${o.out}) must not be inside the input (${o.input}) or contain it`, diag('FL005', 'error', 'output path inside the input'));
  }
  const job = await analyzeApp(o);
  if (job.app!.runtime === 'python') {
    await packagePythonJob(job);
    await verifyStage(job);
    await measureStage(job);
    return { job, summary: summarize(job) };
  }
  const app = job.app!;
  const plan = job.plan!;

  const transformed = await stage(job, 'transform', () => {
    const byFile = new Map<string, ImportDecision[]>();
    for (const d of plan.imports) if (d.decision === 'lazy') byFile.set(d.site.file, [...(byFile.get(d.site.file) ?? []), d]);
    const out = new Map<string, string>();
    for (const [file, decisions] of byFile) {
      const code = fs.readFileSync(abs(app.root, file), 'utf8');
      try {
        const r = rewriteLazy(file, code, decisions, { isESM: job.graph!.files[file]?.isESM });
        (job.lazyValues ??= []).push(...r.values);
        for (const s of r.skipped) {
          const d = decisions.find((x) => x.site.id === s.id);
          if (d) Object.assign(d, { decision: 'eager', mechanism: undefined, reason: { code: 'rewrite-skipped', text: s.reason, parent: file } });
        }
        if (r.code !== code) out.set(file, r.code);
      } catch (e) {
        for (const d of decisions) Object.assign(d, { decision: 'eager', mechanism: undefined, reason: { code: 'rewrite-failed', text: String(e), parent: file } });
        job.diagnostics.push(diag('FL202', 'warning', `${file}: rewrite failed (${(e as Error).message}); file kept as is`, { file }));
      }
    }
    return out;
  });

  if (o.bundle) {
    const nodeVersion = nodeVersionFor(app.handlers[0]?.runtimeId, o.nodeVersion ?? app.config.nodeVersion);
    const readSource = (f: string) => fs.readFileSync(abs(app.root, f), 'utf8');
    job.bundle = await stage(job, 'bundle', () => bundleApp(job, transformed, { nodeVersion, minify: o.minify, readSource }));
    for (const [f, code] of job.bundle.code) transformed.set(f, code);
    job.diagnostics.push(...job.bundle.diagnostics);
  }
  const bundled = new Set(job.bundle?.bundled);
  const keep = plan.files.filter((f) => f.decision === 'keep' && !bundled.has(f.file)).map((f) => f.file);
  const strip = [...plan.files.filter((f) => f.decision === 'strip').map((f) => f.file), ...bundled];
  const handlerFiles = [...new Set(app.handlers.map((h) => h.file))];
  job.packageResult = await stage(job, 'package', () =>
    writePackage({
      root: app.root,
      outDir: o.out!,
      zipPath: o.zipPath!,
      keep,
      strip,
      transformed,
      handlerFiles,
      esmHandlerFiles: handlerFiles.filter((f) => job.graph!.files[f]?.isESM),
      requireShimAfter: new Map(job.bundle?.units.filter((u) => u.kind === 'handler' && u.format === 'esm' && !u.staticImports).map((u) => [u.root, ESM_REQUIRE_LINE])),
      esmHooks: o.esmFallback === true,
    }),
  );

  if (o.bundle && o.codeCache) {
    const warm = o.codeCacheEvents ?? o.verifyEvents ?? [];
    const events = warm.length ? await expandEvents(warm) : [];
    await stage(job, 'code-cache', () => codeCacheStage(job, o.out!, o.zipPath!, events.map((e) => path.resolve(e))));
  }

  await verifyStage(job);
  await measureStage(job);
  return { job, summary: summarize(job) };
}

/** Runs original and optimized on every event (both runtimes); a handler failing at init fails the job. */
async function verifyStage(job: Job): Promise<void> {
  const o = job.options;
  const app = job.app!;
  if (!o.verifyEvents?.length) return;
  const events = await expandEvents(o.verifyEvents);
  // Python restores stripped files into a mirror folder: a private one per run, removed afterwards.
  const mirror = app.runtime === 'python' ? await fs.promises.mkdtemp(path.join(os.tmpdir(), 'faaslight-verify-')) : undefined;
  try {
    const result = await stage(job, 'verify', () => verify(app.root, o.out!, app.handlers, events, mirror ? { env: { FAASLIGHT_FALLBACK_DIR: mirror } } : {}));
    job.verify = result;
    markLazyLoads(result, job.plan!.imports);
    job.diagnostics.push(...verifyDiagnostics(result), ...interpreterDiagnostics(app.handlers));
    // A handler that cannot initialise is not a successful optimization, even when both sides agree.
    for (const e of result.events) {
      const original = e.original as HarnessOutcome;
      if (!original.ok && original.phase === 'init') {
        result.ok = false;
        job.diagnostics.push(
          diag('FL105', 'error', `${e.handler} throws at init with ${path.basename(e.event)} (original package too): ${original.error?.name}: ${original.error?.message}`, {
            note: 'fix the handler or its environment; faaslight verifies packages that initialise',
          }),
        );
      }
    }
  } finally {
    if (mirror) await fs.promises.rm(mirror, { recursive: true, force: true });
  }
}

/** After verifying, the cold start of the original vs the optimized package (both runtimes). */
async function measureStage(job: Job): Promise<void> {
  const o = job.options;
  const app = job.app!;
  if (o.measureRuns) {
    const event = o.measureEvent ?? (o.verifyEvents?.length ? (await expandEvents(o.verifyEvents))[0] : undefined);
    job.measure = await stage(job, 'measure', () =>
      measure({ input: app.root, vs: o.out!, handler: app.handlers[0].handler, event, runs: o.measureRuns, memoryMb: o.memoryMb }),
    );
    job.diagnostics.push(...job.measure.diagnostics);
  }
}
