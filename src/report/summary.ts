import type { ReportedJob } from '../job.js';
import type { BundleResult } from '../lang/js/bundle/index.js';
import type { MeasureResult } from '../measure/types.js';
import type { Diagnostic, ImportDecision, PackageStats, ResolvedEdge, StubDecision } from '../types.js';
import { initClosure } from '../plan/plan.js';
import { builtinName } from '../lang/js/analyze/builtins.js';

export interface LazyItem {
  file: string;
  line: number;
  specifier: string;
  mechanism?: string;
  /** Files no longer evaluated at init because of this binding, and their bytes. */
  deferredFiles: number;
  deferredBytes: number;
}

/** One decision of the plan as the HTML report lists it: every import (eager or lazy) and every stripped file. */
export interface PlanRow {
  decision: 'eager' | 'lazy' | 'stubbed' | 'stripped';
  file: string;
  line?: number;
  specifier?: string;
  mechanism?: string;
  bytes?: number;
  code: string;
  reason: string;
}

/** The JSON-serialisable result of analyze/optimize: what reporters print and tools consume. */
export interface OptimizeSummary {
  /** Lets `faaslight report` (and other readers) tell this file from the other results. */
  kind: 'faaslight.optimize';
  version: 1;
  app: { root: string; runtime: string; handlers: { handler: string; file: string; source: string }[] };
  counts: { eager: number; lazy: number; stubbed: number; kept: number; stripped: number };
  /** Files evaluated at init, estimated statically from the graph, before and after the lazy rewrites. */
  initFiles: { before: number; after: number; bytesBefore: number; bytesAfter: number };
  heaviestLazy: LazyItem[];
  /** Node built-ins required at first use instead of at init (src/lang/js/analyze/builtins.ts), by name. */
  deferredBuiltins?: { builtin: string; sites: { file: string; line: number }[] }[];
  /** Module-scope values (SDK clients …) built at first use because what they need became lazy. */
  lazyValues: { file: string; line: number; name: string; deps: string[]; applied: boolean; code: string; reason?: string }[];
  /** Python: never-reached functions replaced by stubs (the ones that save most first) and the source they save. */
  stubs?: { count: number; savedBytes: number; largest: { file: string; line: number; qualname: string; saved: number }[] };
  /** With --bundle: the units the plan decided, each with its reason (after optimize, `bundle` adds what was built). */
  units?: { root: string; kind: 'handler' | 'lazy'; format: 'cjs' | 'esm'; files: number; code: string; reason: string }[];
  heaviestStripped: { file: string; bytes: number }[];
  eagerReasons: { file: string; line: number; specifier: string; reason: string; code: string }[];
  package?: { outDir: string; zipPath: string; before: PackageStats; after: PackageStats; stripped: number; fallbackBytes: number };
  /** With --bundle: each bundle (and its V8 code cache with --code-cache), and files that stayed files by reason. */
  bundle?: {
    units: { root: string; kind: 'handler' | 'lazy'; format: 'cjs' | 'esm'; files: number; bytes: number; codeCache?: { bytes: number; ran: boolean } }[];
    /** Lazily loaded files left single that got a code cache of their own. */
    cachedFiles: { file: string; kind: 'handler' | 'lazy' | 'file'; bytes: number; ran: boolean }[];
    /** V8 flags the code caches were made under (those Lambda starts Node with for the memory size). */
    codeCacheFlags?: string[];
    unbundled: Record<string, number>;
    anchored: number;
    registered: number;
  };
  verify?: { ok: boolean; initFailed: boolean; events: { event: string; handler: string; identical: boolean; fallbackLoads: string[]; lazyLoads: string[] }[] };
  traceDisagreements: { file: string; text: string }[];
  /** Every import decision and every stripped file, with its reason (kept files are the default and left out). */
  decisions: PlanRow[];
  diagnostics: Diagnostic[];
  timings: { stage: string; ms: number }[];
  /** Cold start of the original (A) vs the optimized package (B), when asked for (--measure). */
  measure?: MeasureResult;
}

export function summarize(job: ReportedJob): OptimizeSummary {
  const { app, graph, plan } = job;
  const size = new Map(plan.files.map((f) => [f.file, f.bytes]));
  const bytesOf = (files: Iterable<string>) => [...files].reduce((n, f) => n + (size.get(f) ?? 0), 0);

  const edgeOf = (d: ImportDecision): ResolvedEdge | undefined =>
    graph.edges.find((e) => e.from === d.site.file && e.record.specifier === d.site.specifier && e.record.line === d.site.line);
  const lazy = plan.imports.filter((d) => d.decision === 'lazy');
  const lazyEdges = new Set(lazy.map(edgeOf).filter((e): e is ResolvedEdge => !!e));
  const before = initClosure(graph, new Set());
  const after = initClosure(graph, lazyEdges);

  // Node built-ins deferred by lang/js/analyze/builtins.ts are listed by name (they defer no files of the package).
  const builtinOf = (d: ImportDecision): string | undefined => {
    const b = app.runtime === 'nodejs' && !d.target ? edgeOf(d)?.builtin : undefined;
    return b === undefined ? undefined : builtinName(b);
  };
  const deferredBuiltins = new Map<string, { file: string; line: number }[]>();
  for (const d of lazy) {
    const b = builtinOf(d);
    if (b) deferredBuiltins.set(b, [...(deferredBuiltins.get(b) ?? []), { file: d.site.file, line: d.site.line }]);
  }
  const heaviestLazy = lazy
    .filter((d) => !builtinOf(d))
    .map((d): LazyItem => {
      const others = new Set(lazyEdges);
      const e = edgeOf(d);
      if (e) others.delete(e);
      // What this one binding keeps out of init: the closure with it eager minus the closure with all lazy.
      const withOnlyOthers = initClosure(graph, others);
      const deferred = [...withOnlyOthers].filter((f) => !after.has(f));
      return {
        file: d.site.file,
        line: d.site.line,
        specifier: d.site.specifier,
        mechanism: d.mechanism,
        deferredFiles: deferred.length,
        deferredBytes: bytesOf(deferred),
      };
    })
    .sort((a, b) => b.deferredBytes - a.deferredBytes);

  const stripped = plan.files.filter((f) => f.decision === 'strip');
  const values = plan.values ?? [];
  const stubbed = (plan.stubs ?? []).filter((f) => f.decision === 'stub');
  const pr = job.packageResult;
  const decisions: PlanRow[] = [
    ...plan.imports.map(
      (d): PlanRow => ({
        decision: d.decision,
        file: d.site.file,
        line: d.site.line,
        specifier: d.site.specifier,
        ...(d.mechanism ? { mechanism: d.mechanism } : {}),
        code: d.reason.code,
        reason: d.reason.text,
      }),
    ),
    ...values.map(
      (v): PlanRow => ({ decision: v.decision, file: v.file, line: v.line, specifier: `value ${v.name}`, code: v.reason.code, reason: v.reason.text }),
    ),
    ...stubbed.map(
      (f): PlanRow => ({
        decision: 'stubbed',
        file: f.file,
        line: f.line,
        specifier: `def ${f.qualname}`,
        bytes: f.saved,
        code: f.reason.code,
        reason: f.reason.text,
      }),
    ),
    ...stripped.map((f): PlanRow => ({ decision: 'stripped', file: f.file, bytes: f.bytes, code: f.reason.code, reason: f.reason.text })),
  ];
  return {
    kind: 'faaslight.optimize',
    version: 1,
    app: { root: app.root, runtime: app.runtime, handlers: app.handlers.map((h) => ({ handler: h.handler, file: h.file, source: h.source })) },
    counts: {
      eager: plan.imports.length - lazy.length,
      lazy: lazy.length,
      stubbed: stubbed.length,
      kept: plan.files.length - stripped.length,
      stripped: stripped.length,
    },
    initFiles: { before: before.size, after: after.size, bytesBefore: bytesOf(before), bytesAfter: bytesOf(after) },
    heaviestLazy: heaviestLazy.slice(0, 10),
    ...(deferredBuiltins.size
      ? { deferredBuiltins: [...deferredBuiltins].sort(([a], [b]) => a.localeCompare(b)).map(([builtin, sites]) => ({ builtin, sites })) }
      : {}),
    lazyValues: values.map((v) => ({
      file: v.file,
      line: v.line,
      name: v.name,
      deps: v.deps,
      applied: v.decision === 'lazy',
      code: v.reason.code,
      ...(v.decision === 'eager' ? { reason: v.reason.text } : {}),
    })),
    ...(stubbed.length ? { stubs: stubSummary(stubbed) } : {}),
    ...(plan.units
      ? {
          units: plan.units.units.map((u) => ({
            root: u.root,
            kind: u.kind,
            format: u.format,
            files: u.files.length,
            code: u.reason.code,
            reason: u.reason.text,
          })),
        }
      : {}),
    heaviestStripped: [...stripped]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 10)
      .map((f) => ({ file: f.file, bytes: f.bytes })),
    eagerReasons: plan.imports
      .filter((d) => d.decision === 'eager')
      .map((d) => ({ file: d.site.file, line: d.site.line, specifier: d.site.specifier, reason: d.reason.text, code: d.reason.code })),
    package: pr && { outDir: pr.outDir, zipPath: pr.zipPath, before: pr.before, after: pr.after, stripped: pr.stripped, fallbackBytes: pr.fallbackBytes },
    bundle: job.bundle && bundleSummary(job.bundle),
    verify: job.verify && {
      ok: job.verify.ok,
      initFailed: job.verify.events.some((e) => !e.original.ok && (e.original as { phase?: string }).phase === 'init'),
      events: job.verify.events.map((e) => ({
        event: e.event,
        handler: e.handler,
        identical: e.identical,
        fallbackLoads: e.fallbackLoads,
        lazyLoads: e.lazyLoads ?? [],
      })),
    },
    traceDisagreements: plan.traceDisagreements,
    decisions,
    diagnostics: job.diagnostics,
    timings: job.timings,
    measure: job.measure,
  };
}

function stubSummary(stubbed: StubDecision[]): NonNullable<OptimizeSummary['stubs']> {
  const largest = [...stubbed].sort((a, b) => b.saved - a.saved || a.file.localeCompare(b.file) || a.line - b.line).slice(0, 10);
  return {
    count: stubbed.length,
    savedBytes: stubbed.reduce((n, f) => n + f.saved, 0),
    largest: largest.map((f) => ({ file: f.file, line: f.line, qualname: f.qualname, saved: f.saved })),
  };
}

function bundleSummary(b: BundleResult): NonNullable<OptimizeSummary['bundle']> {
  const cache = new Map((b.codeCache ?? []).filter((c) => c.ok).map((c) => [c.handler, { bytes: c.bytes ?? 0, ran: c.ran ?? false }]));
  const unbundled: Record<string, number> = {};
  for (const r of Object.values(b.unbundled)) unbundled[r.code] = (unbundled[r.code] ?? 0) + 1;
  return {
    units: b.units.map((u) => ({
      root: u.root,
      kind: u.kind,
      format: u.format,
      files: u.files.length,
      bytes: u.bytes,
      ...(cache.has(u.root) ? { codeCache: cache.get(u.root) } : {}),
    })),
    ...(b.codeCacheFlags ? { codeCacheFlags: b.codeCacheFlags } : {}),
    cachedFiles: (b.codeCache ?? [])
      .filter((c) => c.ok && !b.units.some((u) => u.root === c.handler))
      .map((c) => ({ file: c.handler, kind: c.kind, bytes: c.bytes ?? 0, ran: c.ran ?? false })),
    unbundled,
    anchored: b.anchored.length,
    registered: b.registered.length,
  };
}
