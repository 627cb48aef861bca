// The Python language adapter (src/lang/types.ts): the analysis, decision and rewrite modules of this
// folder, wired to the job. Python has no bundler.
import { diag } from '../../diagnostics.js';
import { stage } from '../../job.js';
import { keptEagerNotes } from '../../plan/plan.js';
import type { ImportDecision, Reason, StubDecision, TraceResult } from '../../types.js';
import type { LanguageAdapter } from '../types.js';
import { analyzePythonApp } from './analyze/index.js';
import { tracePythonApp } from './analyze/trace.js';
import { decidePythonRewrites, pythonNotApplied, stubsToApply } from './decide.js';
import { isCache, pythonFileRules } from './files.js';
import { planPythonImports } from './imports.js';
import { PYTHON_SHIM_SOURCE, PYTHON_SHIM_TARGET } from './transform/shim.js';
import { interpreterDiagnostics, pycInterpreter } from '../../sandbox/interpreter.js';
import { precompilePython } from './transform/precompile.js';
import { checkPython } from './checks.js';

export const python: LanguageAdapter = {
  runtime: 'python',

  async analyze(job) {
    const { app } = job;
    const analysis = await stage(job, 'analyze', () =>
      analyzePythonApp(app.root, app.files, app.handlers, { config: app.config, stubs: job.options.stubs !== false, io: job.io }),
    );
    for (const [file, a] of Object.entries(analysis.analyses)) job.analyses.set(file, a);
    job.diagnostics.push(...analysis.diagnostics);
    return { graph: analysis.graph, sites: analysis.sites, stubs: analysis.stubCandidates };
  },

  check: checkPython,

  async trace(job, events) {
    const trace = mergeTraces(await Promise.all(job.app.handlers.map((h) => tracePythonApp(job.app.root, h, events))));
    const diagnostics = trace.errors
      .filter((x) => !x.event)
      .map((e) => diag('FL105', 'warning', `throws at init while tracing: ${e.message}`, { note: 'the trace then shows only what loaded before the error' }));
    return { trace, diagnostics };
  },

  decide(job, { graph, sites }) {
    const imports = planPythonImports(sites, job.app.config, graph, job.options.lazy);
    // A library's own imports are decided too (they are rewritten like the app's), but are not the user's to change.
    const notes = keptEagerNotes(
      imports.filter((d) => !graph.files[d.site.file]?.package),
      (s) => `import ${s}`,
    );
    return { imports, fileRules: pythonFileRules(job.app.files), notes };
  },

  decideRewrites(job) {
    decidePythonRewrites(job.plan, job.stubs ?? [], job.readSource);
  },

  async transform(job) {
    const { transformPythonFile } = await import('./transform/index.js');
    const { plan } = job;
    const handlerFiles = [...new Set(job.app.handlers.map((h) => h.file))];
    const code = new Map<string, string>();
    const storeAlso: string[] = [];
    const notApplied: { decision: ImportDecision; reason: Reason }[] = [];
    const stubsNotApplied: { stub: StubDecision; reason: Reason }[] = [];
    const lazyByFile = new Map<string, ImportDecision[]>();
    for (const d of plan.imports) if (d.decision === 'lazy') lazyByFile.set(d.site.file, [...(lazyByFile.get(d.site.file) ?? []), d]);
    const stubsByFile = stubsToApply(plan, job.stubs ?? []);
    for (const file of [...new Set([...lazyByFile.keys(), ...stubsByFile.keys(), ...handlerFiles])].sort()) {
      const decisions = lazyByFile.get(file) ?? [];
      const source = job.io.readBuffer(file).toString('utf8');
      const r = transformPythonFile(file, source, decisions, stubsByFile.get(file) ?? [], {
        isHandler: handlerFiles.includes(file),
        parse: (c) => job.io.parsePython(file, c),
      });
      job.diagnostics.push(...r.diagnostics);
      // What the rewrite did not apply stays eager / unstubbed, with the reason (read from its result as data).
      const missed = pythonNotApplied(plan, file, decisions, r, `the file was kept as is (${r.diagnostics[0]?.message ?? 'no change'})`);
      notApplied.push(...missed.imports);
      stubsNotApplied.push(...missed.stubs);
      if (r.changed) code.set(file, r.code);
      if (r.storeOriginal) storeAlso.push(file);
    }
    return { code, notApplied, stubsNotApplied, storeAlso };
  },

  runNotes: (job) => interpreterDiagnostics(job.app.handlers),

  packageExtras(job) {
    return {
      runtime: 'python',
      runtimeFiles: { [PYTHON_SHIM_TARGET]: PYTHON_SHIM_SOURCE },
      beforeZip: job.options.precompile
        ? async (dir) => {
            await stage(job, 'precompile', () => precompilePython(dir, pycInterpreter(job.app.handlers[0]?.runtimeId).path));
          }
        : undefined,
      // Byte-code caches leave without going into the fallback store (see ./files.ts).
      notStored: isCache,
    };
  },

  fallbackDirEnv: 'FAASLIGHT_FALLBACK_DIR',
};

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
