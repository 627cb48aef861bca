import type {
  AppModel,
  BindingSite,
  Diagnostic,
  FileDecision,
  ImportDecision,
  LazyMechanism,
  ModuleGraph,
  Plan,
  Reason,
  ResolvedEdge,
  TraceResult,
} from '../types.js';
import { diag } from '../diagnostics.js';
import { globalSideEffectReason, packageNameOf } from './side-effects.js';
import { matchesAny } from '../util/glob.js';
import { quirkFor } from './quirks.js';
import type { BarrelMap } from '../lang/js/analyze/barrel.js';
import { DEFERRABLE_BUILTINS, builtinName, builtinsLoadedBy } from '../lang/js/analyze/builtins.js';

export interface PlanInput {
  app: AppModel;
  graph: ModuleGraph;
  /** Binding sites of the files that were analysed for laziness. */
  sites: BindingSite[];
  trace?: TraceResult;
  /** Target Node version ("20.19.0"): decides whether require(esm) may be used. */
  nodeVersion: string;
  lazy: boolean;
  strip: boolean;
  /** Resolves a specifier with `require` conditions (for ESM files: is the CJS target the same file under both?). */
  resolveRequire?: (fromFile: string, specifier: string) => string | undefined;
  readSource: (file: string) => string | undefined;
  sizeOf: (file: string) => number;
  diagnostics: Diagnostic[];
  /** For a target file: which module defines each name it re-exports, when it is a barrel (src/lang/js/analyze/barrel.ts). */
  barrel?: (file: string) => BarrelMap | undefined;
  /** Files the runtime's shim can restore on demand (default: Node module files). */
  restorable?: (file: string) => boolean;
}

const reason = (code: string, text: string, parent?: string): Reason => (parent ? { code, text, parent } : { code, text });

/** require(esm) is unflagged from Node 20.19 and 22.12. */
export function supportsRequireEsm(version: string): boolean {
  const [maj, min] = version.replace(/^v/, '').split('.').map(Number);
  if (maj >= 23) return true;
  if (maj === 22) return min >= 12;
  if (maj === 20) return min >= 19;
  return false;
}

/** The edge a binding site produced: same file, same specifier, same line. */
function edgeIndex(graph: ModuleGraph): Map<string, ResolvedEdge> {
  const m = new Map<string, ResolvedEdge>();
  for (const e of graph.edges) if (e.record.specifier !== undefined) m.set(`${e.from}\0${e.record.specifier}\0${e.record.line}`, e);
  return m;
}
const siteKey = (s: BindingSite) => `${s.file}\0${s.specifier}\0${s.line}`;

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
  while (queue.length) {
    const f = queue.pop()!;
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

/** Files reachable from `start` over all edges (used to detect import cycles back to the importer). */
function reaches(graph: ModuleGraph, start: string, target: string, out: Map<string, string[]>): boolean {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const f = queue.pop()!;
    if (f === target) return true;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const t of out.get(f) ?? []) queue.push(t);
  }
  return false;
}

/** The modules to load instead of a barrel, when the site reads only names the barrel maps exactly. */
function narrowing(input: PlanInput, site: BindingSite, target: string): ImportDecision['narrow'] {
  if (!site.props?.length || !input.barrel) return;
  const map = input.barrel(target);
  if (!map || !site.props.every((p) => map.has(p))) return;
  const narrow = site.props.map((prop) => ({ prop, ...map.get(prop)! }));
  // Loaded on their own, the defining modules must be as harmless as the barrel was.
  if (narrow.some((n) => globalSideEffectReason(n.file, input.readSource(n.file)))) return;
  return narrow;
}

function decideImports(input: PlanInput): ImportDecision[] {
  const { graph, sites, app } = input;
  const edges = edgeIndex(graph);
  const adjacency = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = adjacency.get(e.from) ?? [];
    list.push(...e.to);
    adjacency.set(e.from, list);
  }
  const eagerConfig = new Set(app.config.eager ?? []);
  const requireEsm = supportsRequireEsm(input.nodeVersion);

  const decisions: ImportDecision[] = sites.map((site) => {
    const edge = edges.get(siteKey(site));
    const target = edge?.to.length === 1 ? edge.to[0] : undefined;
    const eager = (code: string, text: string): ImportDecision => ({ site, decision: 'eager', target, reason: reason(code, text, site.file) });
    if (!input.lazy) return eager('lazy-disabled', 'lazy imports are turned off (--no-lazy)');
    if (site.kind === 'side-effect') return eager('side-effect', 'side-effect-only import: it runs for its effects at init');
    const pkg = packageNameOf(site.specifier);
    if (eagerConfig.has(site.specifier) || (pkg && eagerConfig.has(pkg)))
      return eager('config-eager', `listed in the configuration's "eager"`);
    if (site.usage !== 'deferred') return eager(`usage-${site.usage}`, site.usageReason);
    if (edge?.builtin) return builtinDecision(site, edge.builtin, graph.files[site.file]?.isESM === true);
    if (!edge || edge.error || !target) return eager('unresolved', `"${site.specifier}" was not resolved to one file${edge?.error ? `: ${edge.error}` : ''}`);
    const fx = globalSideEffectReason(site.specifier, input.readSource(target));
    if (fx) return eager('global-side-effects', `loading it changes global state: ${fx}`);
    if (reaches(graph, target, site.file, adjacency)) return eager('cycle', `import cycle: ${target} leads back to ${site.file}`);

    let mechanism: LazyMechanism = 'require';
    const from = graph.files[site.file];
    if (from?.isESM) {
      const targetInfo = graph.files[target];
      const targetIsEsm = targetInfo?.kind === 'js' && targetInfo.isESM === true;
      if (!targetIsEsm) {
        const viaRequire = input.resolveRequire?.(site.file, site.specifier);
        if (viaRequire === target && site.kind !== 'esm-namespace') mechanism = 'create-require';
        else if (site.allRefsInAsync) mechanism = 'dynamic-import';
        else if (site.kind === 'esm-namespace')
          return eager('esm-namespace-cjs', 'namespace import of a CommonJS module used outside async functions: its ESM wrapper cannot be rebuilt exactly');
        else
          return eager('dual-package', `"${site.specifier}" resolves to ${viaRequire ?? 'nothing'} under require but ${target} under import (dual package), and a use is outside async functions`);
      } else if (site.allRefsInAsync) mechanism = 'dynamic-import';
      else if (!requireEsm)
        return eager('no-require-esm', `ESM target used outside async functions and Node ${input.nodeVersion} has no require(esm) (20.19+/22.12+); set nodeVersion to allow it`);
      else if (/\bawait\b/.test(input.readSource(target) ?? 'await'))
        return eager('maybe-tla', 'ESM target may use top-level await, which require(esm) rejects; used outside async functions');
      else {
        // require() follows the "require" condition: in a dual package it would load the other build,
        // a second module instance.
        const viaRequire = input.resolveRequire?.(site.file, site.specifier);
        if (viaRequire !== target)
          return eager('dual-package', `"${site.specifier}" resolves to ${viaRequire ?? 'nothing'} under require but ${target} under import (dual package), and a use is outside async functions`);
        mechanism = 'require-esm';
      }
    }
    const narrow = mechanism === 'require' ? narrowing(input, site, target) : undefined;
    if (narrow) {
      const files = new Set(narrow.map((n) => n.file)).size;
      return { site, decision: 'lazy', mechanism, target, narrow, reason: reason('deferred', `${site.usageReason}; reads ${site.props!.length} name(s) of the barrel ${target}: loads ${files} of its modules, not the barrel`, site.file) };
    }
    return { site, decision: 'lazy', mechanism, target, reason: reason('deferred', site.usageReason, site.file) };
  });

  // A lazy import of a module that is loaded at init anyway (through another, eager path) gains nothing:
  // keep it eager so the rewrite touches no more code than it must. Flipping to eager only grows the
  // closure, so this converges.
  for (;;) {
    const lazyEdges = new Set<ResolvedEdge>();
    for (const d of decisions) if (d.decision === 'lazy') lazyEdges.add(edges.get(siteKey(d.site))!);
    const closure = initClosure(graph, lazyEdges);
    let changed = false;
    for (const d of decisions) {
      if (d.decision === 'lazy' && d.target && closure.has(d.target)) {
        Object.assign(d, { decision: 'eager', mechanism: undefined, reason: reason('loaded-anyway', `${d.target} is loaded at init through another import anyway`, d.site.file) });
        changed = true;
      }
    }
    if (!changed) break;
  }
  deferBuiltinsOnlyWhereItGains(graph, decisions, edges);
  // Inside packages only deferred built-ins are decisions of ours; the rest of a package's code is as it was.
  return decisions.filter((d) => d.decision === 'lazy' || !isPackageFile(d.site.file));
}

const isPackageFile = (file: string) => file.split('/').includes('node_modules');

function builtinDecision(site: BindingSite, builtin: string, isESM: boolean): ImportDecision {
  const name = builtinName(builtin);
  const eager = (code: string, text: string): ImportDecision => ({ site, decision: 'eager', reason: reason(code, text, site.file) });
  if (!DEFERRABLE_BUILTINS.has(name))
    return eager('builtin', `Node built-in "${name}": loaded by the runtime client before any handler, or loading it has effects of its own (see lang/js/analyze/builtins.ts)`);
  let mechanism: LazyMechanism = 'require';
  if (isESM) {
    // import() gives the ES module namespace itself; require() gives module.exports, which is the default
    // export and holds the named ones, but is not the namespace object.
    if (site.allRefsInAsync) mechanism = 'dynamic-import';
    else if (site.kind === 'esm-namespace') return eager('esm-namespace-builtin', `namespace import of the built-in "${name}" used outside async functions: require() would give module.exports, not the namespace`);
    else mechanism = 'create-require';
  }
  return {
    site, decision: 'lazy', mechanism,
    reason: reason('deferred-builtin', `${site.usageReason}; Node built-in "${name}" is compiled from source on a Lambda cold start (its V8 flags turn off Node's code cache): loaded at first use`, site.file),
  };
}

/**
 * A deferred built-in gains only if nothing else loads it in the same breath: keep it eager when every
 * context its file is evaluated in (init, or the load of a lazy import's target) loads that built-in
 * anyway through a require that stays eager. Flipping to eager only adds loads, so this converges.
 */
function deferBuiltinsOnlyWhereItGains(graph: ModuleGraph, decisions: ImportDecision[], edges: Map<string, ResolvedEdge>): void {
  const candidates = decisions.filter((d) => d.decision === 'lazy' && edges.get(siteKey(d.site))?.builtin);
  if (!candidates.length) return;
  const roots = [[...graph.entries], ...decisions.filter((d) => d.decision === 'lazy' && d.target).map((d) => (d.narrow ? d.narrow.map((n) => n.file) : [d.target!]))];
  for (;;) {
    const lazyEdges = new Set<ResolvedEdge>();
    for (const d of decisions) if (d.decision === 'lazy') lazyEdges.add(edges.get(siteKey(d.site))!);
    const contexts = roots.map((r) => {
      const files = initClosure(graph, lazyEdges, r);
      const loads = new Set<string>();
      for (const e of graph.edges)
        if (e.builtin && files.has(e.from) && !lazyEdges.has(e) && e.record.topLevel !== false && e.record.kind !== 'dynamic-import')
          for (const b of builtinsLoadedBy(builtinName(e.builtin))) loads.add(b);
      return { files, loads };
    });
    let changed = false;
    for (const d of candidates) {
      if (d.decision !== 'lazy') continue;
      const name = builtinName(edges.get(siteKey(d.site))!.builtin!);
      const where = contexts.filter((c) => c.files.has(d.site.file));
      if (where.length && where.every((c) => c.loads.has(name))) {
        Object.assign(d, { decision: 'eager', mechanism: undefined, reason: reason('loaded-anyway', `Node built-in "${name}" is loaded anyway wherever ${d.site.file} is evaluated`, d.site.file) });
        changed = true;
      }
    }
    if (!changed) break;
  }
}

function decideFiles(input: PlanInput): { files: FileDecision[]; disagreements: Plan['traceDisagreements'] } {
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
    const p = packageDirOf(f);
    if (p) reachedPackages.add(p);
  }
  const files = app.files.map((file): FileDecision => {
    const bytes = input.sizeOf(file);
    const node = graph.files[file];
    if (node) return { file, decision: 'keep', bytes, reason: node.reasons[0] ?? reason('reached', 'reached from a handler') };
    if (traced.has(file)) return { file, decision: 'keep', bytes, reason: reason('trace', 'loaded when the handler ran (--trace)') };
    if (app.config.keep && matchesAny(file, app.config.keep)) return { file, decision: 'keep', bytes, reason: reason('config-keep', 'matches the configuration\'s "keep"') };
    if (file === 'package.json') return { file, decision: 'keep', bytes, reason: reason('root-manifest', 'the package manifest (module type, GCF main)') };
    if (!input.strip) return { file, decision: 'keep', bytes, reason: reason('strip-disabled', 'stripping is turned off (--no-strip)') };
    const pkg = packageDirOf(file);
    const quirk = pkg && reachedPackages.has(pkg) ? quirkFor(file, pkg) : undefined;
    if (quirk) return { file, decision: 'keep', bytes, reason: reason('package-quirk', quirk) };
    const restorable = (input.restorable ?? isNodeModuleFile)(file);
    if (!restorable && !(pkg && (!reachedPackages.has(pkg) || NOT_READ_AT_RUN_TIME.test(file)))) {
      // The shim restores what the module loader asks for; a data file read through fs by a path the
      // analysis could not see would simply be missing, so such files stay.
      return { file, decision: 'keep', bytes, reason: reason('not-restorable', 'a non-module file of the app or of a kept package: it may be read through fs by a path analysis cannot see') };
    }
    return { file, decision: 'strip', bytes, reason: reason('unreached', 'not reached from any handler, not an asset, not seen by a trace') };
  });
  return { files, disagreements };
}

/**
 * Files the Node shim can restore: whatever the module loader resolves. Outside node_modules only code
 * counts: an app's own JSON (config, data, events) is as likely read through fs as required.
 */
export const isNodeModuleFile = (file: string): boolean =>
  /\.(?:c|m)?js$/.test(file) || (/\.json$|\.node$/.test(file) && file.includes('node_modules/'));

/** Files of a package that no code reads at run time: docs, type declarations, source maps, sources of compiled code. */
const NOT_READ_AT_RUN_TIME = /(?:\.(?:md|markdown|d\.[cm]?ts|map|ts|tsx|flow|coffee)|\/(?:LICEN[CS]E|LICEN[CS]E-MIT|CHANGELOG|CHANGES|HISTORY|AUTHORS|CONTRIBUTORS|README)(?:\.[\w-]+)?|\/\.(?:npmignore|eslintrc[\w.]*|prettierrc[\w.]*|editorconfig|travis\.yml|gitattributes|jshintrc))$/i;

/** "node_modules/@scope/name" or "node_modules/name" (innermost) for a file inside a package. */
export function packageDirOf(file: string): string | undefined {
  const i = file.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const rest = file.slice(i + 13).split('/');
  const n = rest[0]?.startsWith('@') ? 2 : 1;
  if (rest.length <= n) return undefined;
  return file.slice(0, i + 13) + rest.slice(0, n).join('/');
}

export function makePlan(input: PlanInput): Plan {
  const imports = decideImports(input);
  const { files, disagreements } = decideFiles(input);
  return { imports, files, traceDisagreements: disagreements };
}
