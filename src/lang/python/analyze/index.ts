import { promises as fsp } from 'node:fs';
import { diag, FaaslightError } from '../../../diagnostics.js';
import { abs } from '../../../util/paths.js';
import type { BindingSite, Diagnostic, FaaslightConfig, FileAnalysis, HandlerSpec, ModuleGraph } from '../../../types.js';
import { analyzePythonBindings } from './bindings.js';
import { buildPythonGraph, type PyFileInfo, type PythonGraphOptions } from './graph.js';
import { toFileAnalysis } from './scan.js';
import { findStubCandidates, type StubCandidate } from './stubs.js';

export { scanPythonFile, toFileAnalysis, type PyScan, type PyImport } from './scan.js';
export { buildPythonGraph, type PyFileInfo } from './graph.js';
export { analyzePythonBindings } from './bindings.js';
export { findStubCandidates, type StubCandidate } from './stubs.js';
export { parsePython } from './parser.js';
// The per-site rules live with the other decisions; tests run them straight after the analysis.
export { decidePythonImports } from '../imports.js';

export interface PythonAnalyzeOptions extends PythonGraphOptions {
  config?: FaaslightConfig;
  /** Make stubs for never-reached functions (default true). */
  stubs?: boolean;
}

export interface PythonAppAnalysis {
  graph: ModuleGraph;
  sites: BindingSite[];
  stubCandidates: StubCandidate[];
  diagnostics: Diagnostic[];
  /** Shared per-file facts (imports as records), keyed by file. */
  analyses: Record<string, FileAnalysis>;
  searchRoots: string[];
  /** file → dotted module name. */
  modules: Record<string, string>;
}

/**
 * The whole Python analysis of an app: import graph from the handler modules, init-time analysis of
 * every reached module's imports (with cross-module re-export and cycle checks), and never-reached
 * functions that can become stubs. Throws FaaslightError (FL003) when a handler module is missing.
 */
export async function analyzePythonApp(root: string, files: string[], handlers: HandlerSpec[], opts: PythonAnalyzeOptions = {}): Promise<PythonAppAnalysis> {
  const fileSet = new Set(files);
  const entries = [...new Set(handlers.map((h) => h.file))];
  for (const h of handlers) {
    if (!fileSet.has(h.file)) {
      const d = diag('FL003', 'error', `handler module ${h.file} (from "${h.handler}") not found in ${root}`, {
        file: h.file,
        note: 'the handler string is <module path with / or .>.<function>; the module must be a .py file in the package',
      });
      throw new FaaslightError(d.message, 2, d);
    }
  }
  const g = await buildPythonGraph(root, files, entries, opts);
  const diagnostics = [...g.diagnostics];
  // Packages kept whole because of a computed import are still rewritten inside: lazy stand-ins and stubs
  // are exact whatever the import graph; only packages the configuration marks opaque are left alone.
  const opaque = new Set(opts.config?.opaque ?? []);
  const analysable = [...g.infos.values()].filter((i) => !i.scan.parseError && !(g.graph.files[i.file]?.package && opaque.has(g.graph.files[i.file].package!)));

  // Names other modules may take from a module: `from m import n`, `m.n`, getattr(m, "n"), star imports.
  const exported = exportedNames([...g.infos.values()]);
  const starLines = new Set([...g.infos.values()].flatMap((i) => i.scan.imports.filter((x) => x.kind === 'star').map((x) => `${i.file}:${x.line}`)));
  const starred = new Set(g.graph.edges.filter((e) => starLines.has(`${e.from}:${e.record.line}`)).flatMap((e) => e.to.slice(-1)));
  const cyclic = cycles(g.graph, g.infos);
  for (const c of cyclic.list) diagnostics.push(diag('FL503', 'info', `circular import at init: ${c.join(' → ')}; their imports stay eager`, { file: c[0] }));

  const importersOf = new Map<string, Set<string>>();
  for (const e of g.graph.edges) for (const t of e.to) if (t !== e.from) importersOf.set(t, (importersOf.get(t) ?? new Set()).add(e.from));
  const sites: BindingSite[] = [];
  for (const info of analysable) {
    const a = analyzePythonBindings(info.file, info.code, info.parsed, info.scan);
    const importers = importersOf.get(info.file) ?? new Set<string>();
    const others = exported.usedBy(importers);
    for (const s of a.sites) {
      if (s.usage === 'deferred') {
        const re = s.names.find((n) => others.has(n));
        if (re)
          Object.assign(s, {
            usage: 'unknown',
            usageReason: `${re} may be taken from this module by another module (as an attribute or \`from … import ${re}\`)`,
          });
        else if (starred.has(info.file) && info.scan.all === null && s.names.some((n) => !n.startsWith('_')))
          Object.assign(s, { usage: 'unknown', usageReason: 'the module is star-imported without __all__: its public names are re-exported' });
        else if (cyclic.files.has(info.file))
          Object.assign(s, { usage: 'unknown', usageReason: 'the module is part of an import cycle: the import order stays as it is' });
      }
      sites.push(s);
    }
  }
  let stubCandidates: StubCandidate[] = [];
  if (opts.stubs !== false) {
    const natives = Object.keys(g.graph.files).filter((f) => g.graph.files[f].kind === 'native');
    const st = findStubCandidates(
      analysable,
      entries,
      handlers.map((h) => h.exportName),
      await nativeNames(root, natives),
    );
    stubCandidates = st.candidates;
    diagnostics.push(...st.diagnostics.slice(0, 200));
  }
  const analyses: Record<string, FileAnalysis> = {};
  for (const info of g.infos.values()) analyses[info.file] = toFileAnalysis(info.scan);
  return { graph: g.graph, sites, stubCandidates, diagnostics, analyses, searchRoots: g.searchRoots, modules: g.modules };
}

/** Identifier-like strings in native extensions: names their C code may look up in Python modules. */
export async function nativeNames(root: string, natives: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const f of natives) {
    const buf = await fsp.readFile(abs(root, f)).catch(() => undefined);
    if (!buf) continue;
    for (const m of buf.toString('latin1').matchAll(/[A-Za-z_][A-Za-z0-9_.]{2,}/g)) for (const part of m[0].split('.')) if (part.length > 2) out.add(part);
  }
  return out;
}

/**
 * Per file, the names it could take from a module it imports: attribute names, identifier-like string
 * literals (getattr), names imported by `from … import`. A name counts as re-exported by module M when
 * a module importing M uses it this way (name-based: conservative).
 */
function exportedNames(infos: PyFileInfo[]): { usedBy(files: Set<string>): { has(n: string): boolean } } {
  const perFile = new Map<string, Set<string>>();
  const byFile = new Map(infos.map((x) => [x.file, x]));
  const of = (f: string) => {
    if (!perFile.has(f)) {
      const i = byFile.get(f);
      const s = new Set<string>();
      if (i) {
        for (const m of i.code.matchAll(/\.\s*([A-Za-z_]\w*)|['"]([A-Za-z_]\w*)['"]/g)) s.add(m[1] ?? m[2]);
        for (const imp of i.scan.imports) for (const n of imp.names) s.add(n.name);
      }
      perFile.set(f, s);
    }
    return perFile.get(f)!;
  };
  return { usedBy: (files) => ({ has: (n) => [...files].some((f) => of(f).has(n)) }) };
}

/** Strongly connected components of module-level (init-time) import edges with more than one file. */
function cycles(graph: ModuleGraph, infos: Map<string, PyFileInfo>): { list: string[][]; files: Set<string> } {
  const adj = new Map<string, string[]>();
  for (const e of graph.edges) {
    const imp = infos.get(e.from)?.scan.imports.find((i) => i.line === e.record.line && !i.inFunction);
    if (!imp) continue;
    adj.set(e.from, [...(adj.get(e.from) ?? []), ...e.to.filter((t) => t !== e.from)]);
  }
  // Tarjan, iterative enough for package sizes seen here.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const list: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) list.push(comp.sort());
    }
  };
  for (const v of [...adj.keys()].sort()) if (!idx.has(v)) strong(v);
  return { list, files: new Set(list.flat()) };
}
