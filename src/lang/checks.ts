// Static checks before anything is written (issue 16): a handler that cannot load is an error at analyze
// time, for `analyze` and `optimize` alike, with or without --verify. The pipeline calls each language's
// `check` after the graph is built and stops the run on the first error.
import { diag } from '../diagnostics.js';
import type { LoadedJob } from '../job.js';
import type { Diagnostic, ModuleGraph, ResolvedEdge } from '../types.js';

/**
 * Files that are evaluated whenever a handler loads: the handler files and what they import at init through
 * edges `loadsSurely` accepts (a language leaves out imports whose failure the code expects, e.g. in `try`).
 */
export function surelyLoadedAtInit(graph: ModuleGraph, loadsSurely: (e: ResolvedEdge) => boolean): Set<string> {
  const out = new Map<string, ResolvedEdge[]>();
  for (const e of graph.edges) {
    if (e.record.topLevel === false || e.record.kind === 'dynamic-import' || e.record.kind === 'require.resolve' || !loadsSurely(e)) continue;
    out.set(e.from, [...(out.get(e.from) ?? []), e]);
  }
  const seen = new Set<string>();
  const queue = [...graph.entries];
  for (let f = queue.pop(); f !== undefined; f = queue.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    // A widened pattern may load any one of its files, not each of them: only literal edges are sure.
    for (const e of out.get(f) ?? []) if (!e.record.pattern) queue.push(...e.to);
  }
  return seen;
}

/**
 * FL101 as an error for a file that does not parse and is surely loaded at init (the handler cannot start);
 * a file reached only later, or behind a guard, keeps the graph's warning (it may never run).
 */
export function parseErrors(job: LoadedJob, graph: ModuleGraph, atInit: Set<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const handlers = new Set(job.app.handlers.map((h) => h.file));
  for (const file of [...atInit].sort()) {
    const error = job.analyses.get(file)?.parseError;
    if (!error || !graph.files[file]) continue;
    const what = handlers.has(file) ? 'handler file' : 'file loaded at init';
    out.push(
      diag('FL101', 'error', `${what} ${file} does not parse: ${error}`, {
        file,
        note: 'the handler would fail to load; fix the syntax (or the runtime it targets) and run again',
      }),
    );
  }
  return out;
}
