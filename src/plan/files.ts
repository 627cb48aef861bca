// File decisions, the same for every language: a file is kept when something reaches it or a named rule
// keeps it, and stripped into the fallback store otherwise. What differs by language (which files the
// runtime shim can restore, what a package is) comes in as FileRules from the language adapter.
import { diag } from '../diagnostics.js';
import { matchesAny } from '../util/glob.js';
import type { AppModel, Diagnostic, FileDecision, ModuleGraph, Plan, Reason, TraceResult } from '../types.js';

export interface FileRules {
  /** The package folder a file belongs to ("node_modules/express"), for the package-level rules; undefined for app files. */
  packageOf(file: string): string | undefined;
  /** Why a reached package keeps this file of its own (a load the analysis cannot follow), if it does. */
  quirk(file: string, pkg: string): string | undefined;
  /** Files the runtime's shim can bring back on demand. */
  restorable(file: string): boolean;
  /** Files of a package that nothing reads at run time (docs, type declarations): strippable even when not restorable. */
  notReadAtRunTime(file: string): boolean;
  /** A stripped file's own reason, when the generic "unreached" does not say it (Python byte-code caches). */
  stripReason?(file: string): Reason | undefined;
}

export interface FileInput {
  app: AppModel;
  graph: ModuleGraph;
  trace?: TraceResult;
  strip: boolean;
  sizeOf: (file: string) => number;
  diagnostics: Diagnostic[];
}

const reason = (code: string, text: string): Reason => ({ code, text });

export function decideFiles(input: FileInput, rules: FileRules): { files: FileDecision[]; disagreements: Plan['traceDisagreements'] } {
  const { app, graph, trace } = input;
  const traced = new Set<string>([...(trace?.init ?? []), ...Object.values(trace?.perEvent ?? {}).flat()]);
  const disagreements: Plan['traceDisagreements'] = [];
  for (const f of [...traced].sort()) {
    if (!graph.files[f] && app.files.includes(f)) {
      disagreements.push({ file: f, text: 'loaded when the handler ran, but not found by static analysis: kept' });
      input.diagnostics.push(diag('FL106', 'info', `${f} was loaded at run time but not found statically; kept because the trace saw it`, { file: f }));
    }
  }
  const reachedPackages = new Set<string>();
  for (const f of Object.keys(graph.files)) {
    const p = rules.packageOf(f);
    if (p) reachedPackages.add(p);
  }
  const files = app.files.map((file): FileDecision => {
    const bytes = input.sizeOf(file);
    const node = graph.files[file];
    if (node) return { file, decision: 'keep', bytes, reason: node.reasons[0] ?? reason('reached', 'reached from a handler') };
    if (traced.has(file)) return { file, decision: 'keep', bytes, reason: reason('trace', 'loaded when the handler ran (--trace)') };
    if (app.config.keep && matchesAny(file, app.config.keep))
      return { file, decision: 'keep', bytes, reason: reason('config-keep', 'matches the configuration\'s "keep"') };
    if (file === 'package.json') return { file, decision: 'keep', bytes, reason: reason('root-manifest', 'the package manifest (module type, GCF main)') };
    if (!input.strip) return { file, decision: 'keep', bytes, reason: reason('strip-disabled', 'stripping is turned off (--no-strip)') };
    const pkg = rules.packageOf(file);
    const quirk = pkg && reachedPackages.has(pkg) ? rules.quirk(file, pkg) : undefined;
    if (quirk) return { file, decision: 'keep', bytes, reason: reason('package-quirk', quirk) };
    if (!rules.restorable(file) && !(pkg && (!reachedPackages.has(pkg) || rules.notReadAtRunTime(file)))) {
      // The shim restores what the module loader asks for; a data file read through fs by a path the
      // analysis could not see would simply be missing, so such files stay.
      return {
        file,
        decision: 'keep',
        bytes,
        reason: reason('not-restorable', 'a non-module file of the app or of a kept package: it may be read through fs by a path analysis cannot see'),
      };
    }
    return {
      file,
      decision: 'strip',
      bytes,
      reason: rules.stripReason?.(file) ?? reason('unreached', 'not reached from any handler, not an asset, not seen by a trace'),
    };
  });
  return { files, disagreements };
}
