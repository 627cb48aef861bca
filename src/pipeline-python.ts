// The Python branch of the pipeline, stage by stage like the Node one (pipeline.ts) and producing the
// same Job / Plan / summary shapes:
//   analyze (import graph, init-time use of every import, never-reached functions) → trace → plan
//   (imports: lazy/eager with reasons; files: keep/strip through src/plan) → transform (lazy stand-ins,
//   stubs, shim statement) → package (src/package, Python shim, optional byte code) → verify (shared).
import fs from 'node:fs';
import { stage, type Job } from './job.js';
import { analyzePythonApp, decidePythonImports } from './lang/python/analyze/index.js';
import { EXTENSION_RE } from './lang/python/analyze/resolve.js';
import { tracePythonApp } from './lang/python/analyze/trace.js';
import type { StubCandidate } from './lang/python/analyze/stubs.js';
import { initClosure, makePlan } from './plan/plan.js';
import { PYTHON_SHIM_SOURCE, PYTHON_SHIM_TARGET, transformPythonFile } from './lang/python/transform/index.js';
import { precompilePython } from './lang/python/transform/precompile.js';
import { pycInterpreter } from './lang/python/interpreter.js';
import { writePackage } from './package/index.js';
import { expandEvents } from './verify/index.js';
import { diag } from './diagnostics.js';
import { abs } from './util/paths.js';
import type { ImportDecision, ModuleGraph, Reason, ResolvedEdge, TraceResult } from './types.js';

/** Analyse and plan a Python app (job.app already loaded). Writes nothing. */
export async function analyzePythonJob(job: Job): Promise<Job> {
  const o = job.options;
  const app = job.app!;
  const analysis = await stage(job, 'analyze', () => analyzePythonApp(app.root, app.files, app.handlers, { config: app.config, stubs: o.stubs !== false }));
  job.graph = analysis.graph;
  job.sites = analysis.sites;
  job.stubs = analysis.stubCandidates;
  for (const [file, a] of Object.entries(analysis.analyses)) job.analyses.set(file, a);
  job.diagnostics.push(...analysis.diagnostics);

  if (o.traceEvents?.length) {
    const events = await expandEvents(o.traceEvents);
    job.trace = await stage(job, 'trace', async () => mergeTraces(await Promise.all(app.handlers.map((h) => tracePythonApp(app.root, h, events)))));
    for (const e of job.trace.errors.filter((x) => !x.event)) {
      job.diagnostics.push(diag('FL105', 'warning', `throws at init while tracing: ${e.message}`, { note: 'the trace then shows only what loaded before the error' }));
    }
  }

  job.plan = await stage(job, 'plan', () => {
    const plan = makePlan({
      app,
      graph: job.graph!,
      sites: [], // Python imports are decided below, by the Python rules
      trace: job.trace,
      nodeVersion: process.versions.node,
      lazy: false,
      strip: o.strip !== false,
      readSource: () => undefined,
      sizeOf: (f) => fs.statSync(abs(app.root, f)).size,
      diagnostics: job.diagnostics,
      restorable: pythonRestorable(app.files),
    });
    plan.imports = decideImports(job, o.lazy !== false);
    for (const f of plan.files) {
      if (f.decision === 'strip' && isCache(f.file)) f.reason = { code: 'cache', text: CACHE_REASON };
    }
    return plan;
  });
  for (const d of job.plan.imports) {
    if (d.decision === 'eager' && d.site.usage === 'deferred' && !job.graph.files[d.site.file]?.package) {
      job.diagnostics.push(diag('FL201', 'info', `${d.site.file}:${d.site.line} import ${d.site.specifier} kept eager: ${d.reason.text}`, { file: d.site.file, line: d.site.line }));
    }
  }
  return job;
}

/** Rewrite, package and (the caller) verify a planned Python job. The input folder is never written. */
export async function packagePythonJob(job: Job): Promise<void> {
  const o = job.options;
  const app = job.app!;
  const plan = job.plan!;
  const handlerFiles = [...new Set(app.handlers.map((h) => h.file))];
  const storeAlso: string[] = [];
  const transformed = await stage(job, 'transform', () => {
    const out = new Map<string, string>();
    const lazyByFile = new Map<string, ImportDecision[]>();
    for (const d of plan.imports) if (d.decision === 'lazy') lazyByFile.set(d.site.file, [...(lazyByFile.get(d.site.file) ?? []), d]);
    const stubsByFile = new Map<string, StubCandidate[]>();
    for (const s of job.stubs ?? []) stubsByFile.set(s.file, [...(stubsByFile.get(s.file) ?? []), s]);
    const stubbed = new Set<string>();
    for (const file of [...new Set([...lazyByFile.keys(), ...stubsByFile.keys(), ...handlerFiles])].sort()) {
      const decisions = lazyByFile.get(file) ?? [];
      const code = fs.readFileSync(abs(app.root, file), 'utf8');
      const r = transformPythonFile(file, code, decisions, stubsByFile.get(file) ?? [], { isHandler: handlerFiles.includes(file) });
      job.diagnostics.push(...r.diagnostics);
      // What the rewrite did not apply stays eager / unstubbed, with the reason.
      const done = new Set(r.applied);
      for (const d of decisions) {
        if (r.changed && [...done].some((a) => a.startsWith(`line ${d.site.line}: `))) continue;
        const why = r.changed ? 'not a plain import statement: the rewrite leaves it as is' : `the file was kept as is (${r.diagnostics[0]?.message ?? 'no change'})`;
        Object.assign(d, { decision: 'eager', mechanism: undefined, reason: { code: r.changed ? 'rewrite-skipped' : 'rewrite-failed', text: why, parent: file } satisfies Reason });
      }
      for (const s of stubsByFile.get(file) ?? []) if (r.changed && done.has(`${file}:${s.line}: ${s.qualname} → stub`)) stubbed.add(`${file}:${s.line}`);
      if (r.changed) out.set(file, r.code);
      if (r.storeOriginal) storeAlso.push(file);
    }
    job.stubs = (job.stubs ?? []).filter((s) => stubbed.has(`${s.file}:${s.line}`));
    return out;
  });

  const keep = plan.files.filter((f) => f.decision === 'keep').map((f) => f.file);
  // Byte-code caches leave without going into the fallback store (see CACHE_REASON).
  const strip = plan.files.filter((f) => f.decision === 'strip' && f.reason.code !== 'cache').map((f) => f.file);
  job.packageResult = await stage(job, 'package', () =>
    writePackage({
      root: app.root,
      outDir: o.out!,
      zipPath: o.zipPath!,
      keep,
      strip,
      transformed,
      handlerFiles,
      runtime: 'python',
      storeAlso,
      runtimeFiles: { [PYTHON_SHIM_TARGET]: PYTHON_SHIM_SOURCE },
      beforeZip: o.precompile
        ? async (dir) => {
            await stage(job, 'precompile', () => precompilePython(dir, pycInterpreter(app.handlers[0]?.runtimeId).path));
          }
        : undefined,
    }),
  );
}

/**
 * Files the Python shim can bring back: modules (the fallback finder restores `.py` and tagged
 * extension modules when an import asks for them), caches (never needed: the interpreter compiles the
 * source), and data files that sit next to a module (restored with it). Anything else — a data file in
 * a folder without modules, a plain shared library loaded by ctypes — stays in the package.
 */
export function pythonRestorable(files: string[]): (file: string) => boolean {
  const dirOf = (f: string) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
  const moduleDirs = new Set(files.filter((f) => f.endsWith('.py')).map(dirOf));
  return (f) => {
    if (f.endsWith('.py') || isCache(f)) return true;
    if (/\.so(\.\d+)*$/.test(f)) return /\.(cpython-\d+[a-z]*-[A-Za-z0-9_]+-linux-gnu|abi3)\.so$/.test(f) && EXTENSION_RE.test(f);
    return moduleDirs.has(dirOf(f));
  };
}

const isCache = (f: string) => /(^|\/)__pycache__\/|\.py[co]$/.test(f);
const CACHE_REASON =
  'byte-code cache: left out (not stored) — its recorded source mtime no longer matches once the package is copied or zipped, so the interpreter would ignore it; --precompile ships fresh unchecked-hash byte code';

/**
 * Import decisions by the Python rules, then: a lazy import whose module is loaded at init anyway
 * (through another, eager import) gains nothing and stays eager, so the rewrite touches no more code
 * than it must. Flipping to eager only grows the init closure, so the loop converges.
 */
function decideImports(job: Job, lazy: boolean): ImportDecision[] {
  const graph = job.graph!;
  const decisions = decidePythonImports(job.sites, job.app!.config, graph).map((d): ImportDecision => {
    if (!lazy && d.decision === 'lazy') return { ...d, decision: 'eager', reason: { code: 'lazy-disabled', text: 'lazy imports are turned off (--no-lazy)', parent: d.site.file } };
    return d.decision === 'lazy' ? { ...d, mechanism: 'stand-in' } : d;
  });
  const edges = edgeIndex(graph);
  for (const d of decisions) {
    const e = edges.get(`${d.site.file}\0${d.site.specifier}\0${d.site.line}`);
    if (e?.to.length) d.target = e.to[e.to.length - 1];
  }
  for (;;) {
    const lazyEdges = new Set(decisions.filter((d) => d.decision === 'lazy').map((d) => edges.get(`${d.site.file}\0${d.site.specifier}\0${d.site.line}`)).filter((e): e is ResolvedEdge => !!e));
    const closure = initClosure(graph, lazyEdges);
    let changed = false;
    for (const d of decisions) {
      if (d.decision === 'lazy' && d.target && closure.has(d.target)) {
        Object.assign(d, { decision: 'eager', mechanism: undefined, reason: { code: 'loaded-anyway', text: `${d.target} is loaded at init through another import anyway`, parent: d.site.file } });
        changed = true;
      }
    }
    if (!changed) return decisions;
  }
}

function edgeIndex(graph: ModuleGraph): Map<string, ResolvedEdge> {
  const m = new Map<string, ResolvedEdge>();
  for (const e of graph.edges) if (e.record.specifier !== undefined) m.set(`${e.from}\0${e.record.specifier}\0${e.record.line}`, e);
  return m;
}

/** One trace for several handlers of the same package: files loaded at init or by an event under any of them. */
function mergeTraces(traces: TraceResult[]): TraceResult {
  const perEvent: Record<string, string[]> = {};
  for (const t of traces) for (const [e, files] of Object.entries(t.perEvent)) perEvent[e] = [...new Set([...(perEvent[e] ?? []), ...files])].sort();
  return {
    init: [...new Set(traces.flatMap((t) => t.init))].sort(),
    perEvent,
    errors: traces.flatMap((t) => t.errors),
  };
}
