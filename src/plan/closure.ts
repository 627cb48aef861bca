// The graph questions both languages' import decisions ask: which edge a binding site produced, which
// files run at init, and which lazy imports gain nothing because their module loads at init anyway.
import type { BindingSite, ImportDecision, ModuleGraph, Reason, ResolvedEdge } from '../types.js';

const key = (file: string, specifier: string, line: number) => `${file}\0${specifier}\0${line}`;

/** The edge a binding site produced: same file, same specifier, same line. */
export interface EdgeIndex {
  of(site: BindingSite): ResolvedEdge | undefined;
}

export function edgeIndex(graph: ModuleGraph): EdgeIndex {
  const m = new Map<string, ResolvedEdge>();
  for (const e of graph.edges) if (e.record.specifier !== undefined) m.set(key(e.from, e.record.specifier, e.record.line), e);
  return { of: (s) => m.get(key(s.file, s.specifier, s.line)) };
}

/**
 * Files evaluated while the handlers initialise: the closure from the entries over edges that run at module
 * evaluation, skipping edges made lazy. Requires inside functions are not followed (they run later, if ever).
 */
export function initClosure(graph: ModuleGraph, lazyEdges: Set<ResolvedEdge>, roots: readonly string[] = graph.entries): Set<string> {
  const seen = new Set<string>();
  const out = new Map<string, ResolvedEdge[]>();
  for (const e of graph.edges) {
    let list = out.get(e.from);
    if (!list) out.set(e.from, (list = []));
    list.push(e);
  }
  const queue = [...roots];
  for (let f = queue.pop(); f !== undefined; f = queue.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    for (const e of out.get(f) ?? []) {
      if (lazyEdges.has(e) || e.record.topLevel === false || e.record.kind === 'dynamic-import') continue;
      if (e.record.kind === 'require.resolve') continue;
      for (const t of e.to) if (!seen.has(t)) queue.push(t);
    }
  }
  return seen;
}

/** The edges of the decisions that are lazy. */
export function lazyEdgesOf(decisions: readonly ImportDecision[], edges: EdgeIndex): Set<ResolvedEdge> {
  const out = new Set<ResolvedEdge>();
  for (const d of decisions) {
    const e = d.decision === 'lazy' ? edges.of(d.site) : undefined;
    if (e) out.add(e);
  }
  return out;
}

/** A lazy decision the plan takes back: eager again, with the reason. */
export function revertToEager(d: ImportDecision, reason: Reason): void {
  Object.assign(d, { decision: 'eager', mechanism: undefined, reason });
}

/**
 * A lazy import of a module that is loaded at init anyway (through another, eager path) gains nothing:
 * it stays eager, so the rewrite touches no more code than it must. Flipping to eager only grows the
 * closure, so this converges.
 */
export function settleLoadedAnyway(graph: ModuleGraph, decisions: ImportDecision[], edges: EdgeIndex): void {
  for (;;) {
    const closure = initClosure(graph, lazyEdgesOf(decisions, edges));
    let changed = false;
    for (const d of decisions) {
      if (d.decision === 'lazy' && d.target && closure.has(d.target)) {
        revertToEager(d, { code: 'loaded-anyway', text: `${d.target} is loaded at init through another import anyway`, parent: d.site.file });
        changed = true;
      }
    }
    if (!changed) return;
  }
}
