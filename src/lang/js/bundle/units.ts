// Which files go into which bundle. Pure: graph + plan + sources in, units out, a reason for every file
// left out. A unit is a root (a handler file, or the target of a lazy import) plus the files only that
// root reaches; the bundle replaces the root file in place, so whatever required the root by its path
// (the handler string, a lazy loader) gets the bundle, and __dirname of the root is unchanged.
//
// Module identity is the invariant: a module must never exist both inside a bundle and as a file, or
// inside two bundles (two instances = two states). Hence a file is bundled only when exactly one root
// reaches it and nothing below it has to stay a file; files reached by several roots stay files, and
// the set of files that stay files is closed downwards (a file's dependencies load as files too).
import type { ImportDecision, ModuleGraph, Reason, ResolvedEdge, UnitDecision } from '../../../types.js';
import { parserFor, type JsParser } from '../../../io/index.js';
import { packageDirOf } from '../analyze/file-index.js';
import { anchorRequires } from './anchor.js';
import { hasUseStrictDirective, sloppyOnlyUse } from './sloppy.js';

/** One bundle: a root plus the files only that root evaluates, with the reason (the plan's UnitDecision). */
export type BundleUnit = UnitDecision;

export interface BundlePlan {
  units: BundleUnit[];
  /** Why a reached JS file was left as a file (absent: bundled). */
  unbundled: Record<string, Reason>;
  /**
   * Bundled files an unknown require (in a package kept whole) could also load by path: they stay on disk
   * and register in require.cache, so both ways give the same instance.
   */
  registered: string[];
  /** Bundled files whose computed requests resolve from their original path: file → anchored source. */
  anchored: Record<string, string>;
}

export interface UnitsInput {
  graph: ModuleGraph;
  imports: ImportDecision[];
  /** Handler files (entries). */
  handlers: string[];
  readSource: (file: string) => string | undefined;
  /** The run's shared parse of a file's text (JobIO.jsParser); default: a parse of the text of its own. */
  parser?: (file: string, code: string, opts?: { tokens?: boolean }) => JsParser;
  /** Parse errors per file (from the analysis cache). */
  parseError?: (file: string) => string | undefined;
  /** Files an unknown require could load (opaque packages, their dependencies, and below): filled by planUnits. */
  registered?: Set<string>;
  /**
   * How the file computes a request: 'require' when every computed one is `require(<unknown>)` or
   * `require.resolve(<unknown>)` (which can be anchored to the file's path), 'other' for a widened
   * pattern, `import(expr)` or a created require; undefined when all its requests are literals.
   */
  dynamicRequest?: (file: string) => 'require' | 'other' | undefined;
  /** Bundled files whose requests resolve from their original path (see anchor.ts): filled by planUnits. */
  anchored?: Map<string, string>;
}

// Code whose meaning depends on where its file is, or on the real module system: bundled, it would
// see the bundle's location or esbuild's stand-in `module` object. A cheap text test picks candidates;
// Babel's tokens then confirm (a hit in a comment or a string is not a use).
const CANDIDATE = /\b(?:require|module|eval|__non_webpack_require__|mainModule|Module|import)\b/;
const MODULE_FIELDS = new Set(['parent', 'paths', 'children', 'filename', 'id', 'require', 'constructor', 'loaded']);
const MODULE_INTERNALS = new Set(['_load', '_resolveFilename', '_extensions', '_cache', '_findPath', '_nodeModulePaths']);

/** The first use of the module system that a bundle would change, as text; undefined when none. */
export function positionalUse(code: string, isESM: boolean, isRoot: boolean, parse: JsParser = parserFor(code, true)): string | undefined {
  if (!CANDIDATE.test(code)) return undefined;
  const ast = parse(isESM ? 'module' : 'script').ast;
  if (!ast) return 'source that does not parse';
  const tokens = ast.tokens as { type: { label: string } | string; value?: unknown }[];
  const t = tokens.filter((x) => !/^Comment/.test(label(x)));
  for (let i = 0; i < t.length; i++) {
    const l = label(t[i]);
    const v = t[i].value;
    const prev = i > 0 ? label(t[i - 1]) : '';
    const next = label(t[i + 1] ?? { type: 'eof' });
    const after = t[i + 2]?.value;
    if (l === 'import' && next === '.' && after === 'meta' && !isRoot) return 'import.meta';
    if (l !== 'name' || prev === '.' || prev === '?.') continue;
    if (v === 'require') {
      if (next === '.' && (after === 'resolve' || after === 'cache')) return `require.${after}`;
      if (next === '(' || next === '.' || prev === 'typeof') continue;
      if (next === ':' && (prev === '{' || prev === ',')) continue; // an object key
      return 'require as a value';
    }
    if (v === 'module' && next === '.' && MODULE_FIELDS.has(String(after))) return `module.${after}`;
    if (v === 'eval' && next === '(') return 'direct eval';
    if (v === '__non_webpack_require__') return String(v);
    if (v === 'process' && next === '.' && after === 'mainModule') return 'process.mainModule';
    if (v === 'Module' && next === '.' && MODULE_INTERNALS.has(String(after))) return `Module.${after}`;
  }
  return undefined;
}
const parserOf = (input: UnitsInput, file: string, code: string, tokens = false): JsParser => input.parser?.(file, code, { tokens }) ?? parserFor(code, tokens);

const label = (x: { type: { label: string } | string }): string => (typeof x.type === 'string' ? x.type : x.type.label);

/** Why `file` cannot be inside a bundle (undefined when it can). Roots keep their place, so __dirname and import.meta are fine there. */
export function unbundleableReason(file: string, input: UnitsInput, isRoot: boolean): Reason | undefined {
  const node = input.graph.files[file];
  const r = (code: string, text: string): Reason => ({ code, text, parent: file });
  if (!node) return r('not-in-graph', 'not reached by the analysis');
  if (node.kind !== 'js' && node.kind !== 'json') return r('not-js', `a ${node.kind} file: loaded from its own path`);
  // Files an unknown require may reach are bundled only as CommonJS modules that share one instance
  // with their file through require.cache (see build.ts); JSON and ES modules cannot, so they stay files.
  if (input.registered?.has(file) && (node.kind === 'json' || node.isESM))
    return r('opaque', `${node.kind === 'json' ? 'a JSON file' : 'an ES module'} an unknown require may load: one instance, so a file`);
  if (node.kind === 'json') return undefined;
  if (input.parseError?.(file)) return r('parse-error', 'does not parse');
  let code = input.readSource(file);
  if (code === undefined) return r('unreadable', 'source not readable');
  const dynamic = input.dynamicRequest?.(file);
  const dynamicReason = r('dynamic-request', 'computes a require/import path: resolved from its own folder at run time');
  if (dynamic === 'other') return dynamicReason;
  if (dynamic === 'require' || /\brequire\s*\.\s*resolve\b/.test(code)) {
    const a = anchorRequires(code, node.isESM === true, parserOf(input, file, code));
    if (!a && dynamic === 'require') return dynamicReason;
    if (a && a.anchored > 0) {
      code = a.code;
      // A root keeps its place, so its own require already resolves from there: only the files moved
      // into a bundle are built from the anchored source.
      if (!isRoot) input.anchored?.set(file, code);
    }
  }
  const use = positionalUse(code, node.isESM === true, isRoot, parserOf(input, file, code, true));
  if (use) {
    input.anchored?.delete(file);
    return r('positional', `uses ${use}, which means something else inside a bundle`);
  }
  return undefined;
}

/**
 * A CommonJS file inside a strict bundle (an ES module root, or a root with "use strict", which esbuild
 * puts at the top of the output) runs strict: why that would change what it does (sloppy.ts).
 */
function sloppyReason(file: string, input: UnitsInput): Reason | undefined {
  const node = input.graph.files[file];
  if (node?.kind !== 'js' || node.isESM) return undefined;
  const code = input.readSource(file) ?? '';
  const use = sloppyOnlyUse(code, parserOf(input, file, code));
  return use ? { code: 'sloppy', text: `sloppy-mode code (${use}) would run in strict mode inside the bundle`, parent: file } : undefined;
}

/**
 * Files reached from `root` over edges that are not lazy and resolved; with `evaluated`, only over requires
 * that run when their module is evaluated (a require inside a function loads on demand, if ever).
 */
function closure(roots: string | string[], out: Map<string, ResolvedEdge[]>, lazy: Set<ResolvedEdge>, evaluated = false): Set<string> {
  const seen = new Set<string>();
  const queue = typeof roots === 'string' ? [roots] : [...roots];
  while (queue.length) {
    const f = queue.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const e of out.get(f) ?? []) {
      if (lazy.has(e) || (evaluated && (e.record.topLevel === false || e.record.kind === 'require.resolve'))) continue;
      for (const t of e.to) if (!seen.has(t)) queue.push(t);
    }
  }
  return seen;
}

export function planUnits(input: UnitsInput): BundlePlan {
  const { graph } = input;
  const out = new Map<string, ResolvedEdge[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const edgeOf = new Map(graph.edges.filter((e) => e.record.specifier !== undefined).map((e) => [`${e.from}\0${e.record.specifier}\0${e.record.line}`, e]));
  const lazyEdges = new Set<ResolvedEdge>();
  const lazyRoots = new Set<string>();
  for (const d of input.imports) {
    if (d.decision !== 'lazy' || !d.target) continue;
    const e = edgeOf.get(`${d.site.file}\0${d.site.specifier}\0${d.site.line}`);
    if (e) lazyEdges.add(e);
    // A narrowed barrel is never loaded by this site: the modules it reads are the roots.
    if (d.narrow) for (const n of d.narrow) lazyRoots.add(n.file);
    else lazyRoots.add(d.target);
  }
  // What an unknown require could load: the files of packages kept whole, their declared dependencies,
  // and everything those load.
  const registered = new Set<string>();
  // A package kept whole only for an unknown require.resolve is located, never loaded, by it: no seed.
  const manifestDir = (pkgJson: string | undefined): string | undefined =>
    pkgJson === undefined ? undefined : pkgJson === 'package.json' ? '.' : pkgJson.replace(/\/package\.json$/, '');
  const loads = (dir: string | undefined): boolean => {
    const p = dir === undefined ? undefined : graph.packages[dir];
    return p !== undefined && p.opaque && p.locatedOnly !== true;
  };
  const seeds = Object.entries(graph.files)
    .filter(
      ([f, n]) =>
        n.reasons.some((x) => (x.code === 'opaque-package' && loads(x.parent)) || (x.code === 'opaque-dependency' && loads(manifestDir(x.parent)))) ||
        loads(packageDirOf(f)),
    )
    .map(([f]) => f);
  for (const f of closure(seeds, out, new Set())) registered.add(f);
  const anchored = new Map<string, string>();
  input = { ...input, registered, anchored };
  const roots = [...new Set([...input.handlers, ...lazyRoots])];
  const owners = new Map<string, string[]>();
  const reach = new Map<string, Set<string>>();
  // A bundle holds what evaluating its root evaluates. What a function requires on demand stays a file,
  // loaded when (if) it runs, as in the original: esbuild would put it in the bundle and every cold start
  // would read and parse it (aws-sdk v2's on-demand service models made a 24 MB bundle).
  for (const root of roots) {
    const c = closure(root, out, lazyEdges, true);
    reach.set(root, c);
    for (const f of c) owners.set(f, [...(owners.get(f) ?? []), root]);
  }
  const onDemand = [...closure(roots, out, lazyEdges)].filter((f) => !owners.has(f));
  // Files reached by no root's non-lazy closure (e.g. only by edges from opaque packages) are files anyway.
  const unbundled: Record<string, Reason> = {};
  const pinned: string[] = [];
  const strictRoots = new Map<string, boolean>();
  const strictRoot = (root: string): boolean => {
    const strict = (code: string) => hasUseStrictDirective(code, parserOf(input, root, code));
    if (!strictRoots.has(root)) strictRoots.set(root, graph.files[root]?.isESM === true || strict(input.readSource(root) ?? ''));
    return strictRoots.get(root)!;
  };
  for (const [f, who] of owners) {
    const why =
      who.length > 1
        ? { code: 'shared', text: `reached from ${who.length} roots (${who.slice(0, 3).join(', ')}): one instance, so a file`, parent: who[0] }
        : (unbundleableReason(f, input, f === who[0]) ?? (f !== who[0] && strictRoot(who[0]) ? sloppyReason(f, input) : undefined));
    if (why) {
      unbundled[f] = why;
      pinned.push(f);
    }
  }
  for (const f of onDemand) unbundled[f] = { code: 'on-demand', text: 'required inside a function: loaded as a file when (if) that runs', parent: f };
  // Close downwards: what a file loads, it loads as a file (files loaded on demand included).
  const queue = [...pinned, ...onDemand];
  while (queue.length) {
    const f = queue.pop()!;
    for (const e of out.get(f) ?? []) {
      if (e.record.kind === 'require.resolve') continue;
      for (const t of e.to) {
        if (unbundled[t] || !owners.has(t)) continue;
        unbundled[t] = { code: 'below-file', text: `loaded by ${f}, which stays a file`, parent: f };
        queue.push(t);
      }
    }
  }
  const units: BundleUnit[] = [];
  for (const root of roots) {
    if (unbundled[root]) continue;
    const isEsm = graph.files[root]?.isESM === true;
    const kind = input.handlers.includes(root) ? 'handler' : 'lazy';
    // A lazy target that is an ES module is loaded by require(esm) or import(): left as files.
    if (kind === 'lazy' && isEsm) {
      unbundled[root] = { code: 'esm-lazy-root', text: 'lazy target is an ES module: loaded as files', parent: root };
      continue;
    }
    const files = [...reach.get(root)!].filter((f) => !unbundled[f] && owners.get(f)?.length === 1 && graph.files[f]).sort();
    if (files.length < 2) {
      unbundled[root] = { code: 'single-file', text: 'nothing else is evaluated only by it: bundling one file buys nothing', parent: root };
      continue;
    }
    const what = kind === 'handler' ? 'handler file' : 'lazy target, loaded at first use';
    const reason: Reason = {
      code: `${kind}-unit`,
      text: `${what}: replaced in place by one ${isEsm ? 'ES module' : 'CommonJS'} bundle of the ${files.length} files only it evaluates`,
      parent: root,
    };
    units.push({ root, kind, format: isEsm ? 'esm' : 'cjs', strict: strictRoot(root), files, reason });
  }
  const bundled = new Set(units.flatMap((u) => u.files));
  return {
    units,
    unbundled,
    registered: [...registered].filter((f) => bundled.has(f)).sort(),
    anchored: Object.fromEntries([...anchored].filter(([f]) => bundled.has(f)).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}
