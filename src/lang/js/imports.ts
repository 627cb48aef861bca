// The JavaScript import decisions: for each binding site, eager or lazy with the mechanism and the reason,
// then the neutral settling (src/plan/closure.ts) and, for built-ins, the same question per load context.
import type { AppModel, BindingSite, Diagnostic, ImportDecision, LazyMechanism, ModuleGraph, Reason, TraceResult } from '../../types.js';
import { edgeIndex, initClosure, lazyEdgesOf, revertToEager, settleLoadedAnyway, type EdgeIndex } from '../../plan/closure.js';
import { globalSideEffectReason, packageNameOf } from './side-effects.js';
import type { BarrelMap } from './analyze/barrel.js';
import { lambdaNodeMajor } from '../../app/handler-string.js';
import { DEFERRABLE_BUILTINS, builtinName, builtinsLoadedBy } from './analyze/builtins.js';

export interface JsImportInput {
  app: AppModel;
  graph: ModuleGraph;
  /** Binding sites of the files that were analysed for laziness. */
  sites: BindingSite[];
  trace?: TraceResult;
  /** Target Node version ("20.19.0"): decides whether require(esm) may be used. */
  nodeVersion: string;
  lazy: boolean;
  /** Resolves a specifier with `require` conditions (for ESM files: is the CJS target the same file under both?). */
  resolveRequire?: (fromFile: string, specifier: string) => string | undefined;
  readSource: (file: string) => string | undefined;
  diagnostics: Diagnostic[];
  /** For a target file: which module defines each name it re-exports, when it is a barrel (./analyze/barrel.ts). */
  barrel?: (file: string) => BarrelMap | undefined;
}

const reason = (code: string, text: string, parent?: string): Reason => (parent ? { code, text, parent } : { code, text });

/** Target Node version for a deployment runtime id; conservative where the platform's minor is unknown. */
export function nodeVersionFor(runtimeId: string | undefined, configured?: string): string {
  if (configured) return configured;
  const major = lambdaNodeMajor(runtimeId);
  if (major === undefined) return process.versions.node;
  // Only the major is known, and Lambda starts nodejs20.x and nodejs22.x with
  // --no-experimental-require-module: no require(esm) there whatever the minor (24+ has it unflagged).
  // A user who re-enables it through NODE_OPTIONS says so with the "nodeVersion" setting.
  return `${major}.0.0`;
}

/** require(esm) is unflagged from Node 20.19 and 22.12. */
export function supportsRequireEsm(version: string): boolean {
  const [maj, min] = version.replace(/^v/, '').split('.').map(Number);
  if (maj >= 23) return true;
  if (maj === 22) return min >= 12;
  if (maj === 20) return min >= 19;
  return false;
}

/** Files reachable from `start` over all edges (used to detect import cycles back to the importer). */
function reaches(_graph: ModuleGraph, start: string, target: string, out: Map<string, string[]>): boolean {
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
function narrowing(input: JsImportInput, site: BindingSite, target: string): ImportDecision['narrow'] {
  if (!site.props?.length || !input.barrel) return;
  const map = input.barrel(target);
  if (!map || !site.props.every((p) => map.has(p))) return;
  const narrow = site.props.map((prop) => ({ prop, ...map.get(prop)! }));
  // Loaded on their own, the defining modules must be as harmless as the barrel was.
  if (narrow.some((n) => globalSideEffectReason(n.file, input.readSource(n.file)))) return;
  return narrow;
}

/**
 * Per site: eager unless every rule below lets it be lazy (the zero value is eager), then the lazy ones whose
 * module loads at init anyway back to eager. Inside packages only deferred built-ins are decisions of ours.
 */
export function decideJsImports(input: JsImportInput): ImportDecision[] {
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
    const edge = edges.of(site);
    const target = edge?.to.length === 1 ? edge.to[0] : undefined;
    const eager = (code: string, text: string): ImportDecision => ({ site, decision: 'eager', target, reason: reason(code, text, site.file) });
    if (!input.lazy) return eager('lazy-disabled', 'lazy imports are turned off (--no-lazy)');
    if (site.kind === 'side-effect') return eager('side-effect', 'side-effect-only import: it runs for its effects at init');
    const pkg = packageNameOf(site.specifier);
    if (eagerConfig.has(site.specifier) || (pkg && eagerConfig.has(pkg))) return eager('config-eager', `listed in the configuration's "eager"`);
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
          return eager(
            'dual-package',
            `"${site.specifier}" resolves to ${viaRequire ?? 'nothing'} under require but ${target} under import (dual package), and a use is outside async functions`,
          );
      } else if (site.allRefsInAsync) mechanism = 'dynamic-import';
      else if (!requireEsm)
        return eager(
          'no-require-esm',
          `ESM target used outside async functions and Node ${input.nodeVersion} has no require(esm) (20.19+/22.12+); set nodeVersion to allow it`,
        );
      else if (/\bawait\b/.test(input.readSource(target) ?? 'await'))
        return eager('maybe-tla', 'ESM target may use top-level await, which require(esm) rejects; used outside async functions');
      else {
        // require() follows the "require" condition: in a dual package it would load the other build,
        // a second module instance.
        const viaRequire = input.resolveRequire?.(site.file, site.specifier);
        if (viaRequire !== target)
          return eager(
            'dual-package',
            `"${site.specifier}" resolves to ${viaRequire ?? 'nothing'} under require but ${target} under import (dual package), and a use is outside async functions`,
          );
        mechanism = 'require-esm';
      }
    }
    const narrow = mechanism === 'require' ? narrowing(input, site, target) : undefined;
    if (narrow) {
      const files = new Set(narrow.map((n) => n.file)).size;
      return {
        site,
        decision: 'lazy',
        mechanism,
        target,
        narrow,
        reason: reason(
          'deferred',
          `${site.usageReason}; reads ${site.props!.length} name(s) of the barrel ${target}: loads ${files} of its modules, not the barrel`,
          site.file,
        ),
      };
    }
    return { site, decision: 'lazy', mechanism, target, reason: reason('deferred', site.usageReason, site.file) };
  });

  settleLoadedAnyway(graph, decisions, edges);
  deferBuiltinsOnlyWhereItGains(graph, decisions, edges);
  // Inside packages only deferred built-ins are decisions of ours; the rest of a package's code is as it was.
  return decisions.filter((d) => d.decision === 'lazy' || !isPackageFile(d.site.file));
}

const isPackageFile = (file: string) => file.split('/').includes('node_modules');

function builtinDecision(site: BindingSite, builtin: string, isESM: boolean): ImportDecision {
  const name = builtinName(builtin);
  const eager = (code: string, text: string): ImportDecision => ({ site, decision: 'eager', reason: reason(code, text, site.file) });
  if (!DEFERRABLE_BUILTINS.has(name))
    return eager(
      'builtin',
      `Node built-in "${name}": loaded by the runtime client before any handler, or loading it has effects of its own (see lang/js/analyze/builtins.ts)`,
    );
  let mechanism: LazyMechanism = 'require';
  if (isESM) {
    // import() gives the ES module namespace itself; require() gives module.exports, which is the default
    // export and holds the named ones, but is not the namespace object.
    if (site.allRefsInAsync) mechanism = 'dynamic-import';
    else if (site.kind === 'esm-namespace')
      return eager(
        'esm-namespace-builtin',
        `namespace import of the built-in "${name}" used outside async functions: require() would give module.exports, not the namespace`,
      );
    else mechanism = 'create-require';
  }
  return {
    site,
    decision: 'lazy',
    mechanism,
    reason: reason(
      'deferred-builtin',
      `${site.usageReason}; Node built-in "${name}" is compiled from source on a Lambda cold start (its V8 flags turn off Node's code cache): loaded at first use`,
      site.file,
    ),
  };
}

/**
 * A deferred built-in gains only if nothing else loads it in the same breath: keep it eager when every
 * context its file is evaluated in (init, or the load of a lazy import's target) loads that built-in
 * anyway through a require that stays eager. Flipping to eager only adds loads, so this converges.
 */
function deferBuiltinsOnlyWhereItGains(graph: ModuleGraph, decisions: ImportDecision[], edges: EdgeIndex): void {
  const candidates = decisions.filter((d) => d.decision === 'lazy' && edges.of(d.site)?.builtin);
  if (!candidates.length) return;
  const roots = [
    [...graph.entries],
    ...decisions.filter((d) => d.decision === 'lazy' && d.target).map((d) => (d.narrow ? d.narrow.map((n) => n.file) : [d.target!])),
  ];
  for (;;) {
    const lazyEdges = lazyEdgesOf(decisions, edges);
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
      const name = builtinName(edges.of(d.site)?.builtin ?? '');
      const where = contexts.filter((c) => c.files.has(d.site.file));
      if (where.length && where.every((c) => c.loads.has(name))) {
        revertToEager(d, reason('loaded-anyway', `Node built-in "${name}" is loaded anyway wherever ${d.site.file} is evaluated`, d.site.file));
        changed = true;
      }
    }
    if (!changed) break;
  }
}
