// The interface every language implements once (src/lang/js, src/lang/python), a plain object per language
// like the deployment adapters in src/app/adapters. The pipeline (src/pipeline.ts) calls these in order;
// each method gets the job as the stage before it left it and returns plain data for the next.
import type { AnalyzedJob, LoadedJob, OptimizeResults } from '../job.js';
import type { WritePackageOptions } from '../package/write-package.js';
import type { FileRules } from '../plan/files.js';
import type { BindingSite, Diagnostic, ImportDecision, ModuleGraph, Reason, Runtime, StubDecision, TraceResult, ValueDecision } from '../types.js';
import type { StubCandidate } from './python/analyze/stubs.js';

export interface Analysis {
  graph: ModuleGraph;
  /** Import binding sites, each with its init-time usage: the candidates for lazy loading. */
  sites: BindingSite[];
  /** Never-reached functions that can become stubs (Python; JavaScript strips whole files instead). */
  stubs?: StubCandidate[];
}

export interface Decisions {
  /** Every import the plan decides, eager or lazy, each with its reason. */
  imports: ImportDecision[];
  /** The language's side of the file decisions (src/plan/files.ts). */
  fileRules: FileRules;
  /** Notes on the decisions (FL201: used only later, yet eager), reported once the plan is made. */
  notes: Diagnostic[];
}

export interface Transformed {
  /** Changed sources, by file; every other file is copied byte for byte. */
  code: Map<string, string>;
  /** Lazy decisions the rewrite could not carry out (rewrite-skipped / rewrite-failed): the pipeline sets them back to eager. */
  notApplied: { decision: ImportDecision; reason: Reason }[];
  /** Kept files whose original also goes into the fallback store (Python stubs compile it from there). */
  storeAlso?: string[];
  /** Lazy values (plan.values) the rewrite could not build at first use: the pipeline keeps them at init. */
  valuesNotApplied?: { value: ValueDecision; reason: Reason }[];
  /** Stubs (plan.stubs) the rewrite could not place: the pipeline keeps those functions whole. */
  stubsNotApplied?: { stub: StubDecision; reason: Reason }[];
}

/** What the language adds to the package: its shim and how the handlers load it. */
export type PackageExtras = Pick<WritePackageOptions, 'esmHandlerFiles' | 'requireShimAfter' | 'esmHooks' | 'runtime' | 'runtimeFiles' | 'beforeZip'> & {
  /** Stripped files that leave without going into the fallback store. */
  notStored?: (file: string) => boolean;
};

export interface Bundler {
  /** Replaces files by bundles after the transform; the pipeline merges the code and strips what is inside. */
  build(job: AnalyzedJob, transformed: ReadonlyMap<string, string>, o: { stale: boolean }): Promise<NonNullable<OptimizeResults['bundle']>>;
  /** After packaging: whatever the bundles gain from work done on the written folder (V8 code cache). */
  afterPackage(job: AnalyzedJob & OptimizeResults): Promise<void>;
}

export interface LanguageAdapter {
  runtime: Runtime;
  /** The import graph from the handlers, the binding sites and the language's other candidates. */
  analyze(job: LoadedJob): Promise<Analysis>;
  /**
   * Static checks on the analysis before anything is planned or written: handler exports (FL004) and files
   * loaded at init that do not parse (FL101). An error among them ends the run (exit 1); the rest are notes.
   */
  check?(job: LoadedJob, analysis: Analysis): Diagnostic[];
  /** Runs the original handlers on events and records the files they load (--trace). */
  trace(job: LoadedJob, events: string[]): Promise<{ trace: TraceResult; diagnostics: Diagnostic[] }>;
  /** The language's decisions, with typed reasons, for the plan; diagnostics go to job.diagnostics. */
  decide(job: LoadedJob, analysis: Analysis & { trace?: TraceResult }): Decisions;
  /**
   * Once the imports are settled (loaded-anyway, files): what the rewrite will do to each file — lazy values,
   * stubs, imports it cannot express (turned eager with the reason) and, with --bundle, the bundle units —
   * added to job.plan, still before anything is written.
   */
  decideRewrites(job: AnalyzedJob): void;
  /**
   * Applies the plan and returns the changed sources, and the decisions it could not carry out with the
   * reason (a guard: its re-check of each decision on the current code); it changes neither the plan nor any file.
   * Async so that the rewrite's modules (magic-string …) load only when a rewrite runs, not for `analyze`.
   */
  transform(job: AnalyzedJob): Promise<Transformed>;
  /** The shim files and the way each handler loads the shim. */
  packageExtras(job: AnalyzedJob, bundle?: OptimizeResults['bundle']): PackageExtras;
  /** Notes on the interpreter the handlers were run under by verify (Python: FL505 for another minor than the target's). */
  runNotes?(job: AnalyzedJob): Diagnostic[];
  /** Environment variable the shim reads for a private folder to restore stripped files into, if it restores into one. */
  fallbackDirEnv?: string;
  /** Bundling (optimize --bundle); not applicable to Python, which has no bundler. */
  bundle?: Bundler;
}
