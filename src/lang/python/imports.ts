// The Python import decisions: for each binding site, eager or lazy (a stand-in) with the reason, then the
// neutral settling (src/plan/closure.ts) of lazy imports whose module loads at init anyway.
import { edgeIndex, settleLoadedAnyway } from '../../plan/closure.js';
import type { BindingSite, FaaslightConfig, ImportDecision, ModuleGraph } from '../../types.js';

// Modules already loaded when `python3 -S` starts: a lazy stand-in would only add work.
const PRELOADED = new Set([
  'sys',
  'os',
  'io',
  'abc',
  'codecs',
  'stat',
  'posixpath',
  'genericpath',
  '_collections_abc',
  'builtins',
  'marshal',
  'posix',
  'time',
  'encodings',
  'zipimport',
  '_io',
  '_thread',
  '_weakref',
  '_warnings',
  '_signal',
  '_abc',
  '_stat',
  '_codecs',
]);

/**
 * Default plan for Python imports: lazy only when the analysis says 'deferred' (every use is an
 * attribute access or call inside functions that do not run at import time) and the configuration
 * does not pin it eager. The zero value is eager.
 */
export function decidePythonImports(sites: BindingSite[], config: FaaslightConfig = {}, graph?: ModuleGraph): ImportDecision[] {
  return sites.map((site): ImportDecision => {
    const top = site.specifier.split('.')[0];
    if (site.usage !== 'deferred') return { site, decision: 'eager', reason: { code: `usage-${site.usage}`, text: site.usageReason, parent: site.file } };
    // Inside a library, its own modules are almost always loaded by its __init__ anyway: a stand-in
    // there only adds a resolution step. Imports of other packages (and app code's imports) pay off.
    const own = graph?.files[site.file]?.package;
    if (own && (site.specifier.startsWith('.') || top === own)) {
      return { site, decision: 'eager', reason: { code: 'same-package', text: `import within package ${own}`, parent: site.file } };
    }
    if (config.eager?.some((e) => e === site.specifier || e === top))
      return { site, decision: 'eager', reason: { code: 'config-eager', text: 'listed under "eager" in the configuration', parent: site.file } };
    if (PRELOADED.has(site.specifier))
      return { site, decision: 'eager', reason: { code: 'preloaded', text: `${site.specifier} is loaded by the interpreter at startup`, parent: site.file } };
    return { site, decision: 'lazy', reason: { code: 'deferred', text: site.usageReason, parent: site.file } };
  });
}

/** The plan's Python import decisions: the per-site rules, --no-lazy, each target, then the settling. */
export function planPythonImports(sites: BindingSite[], config: FaaslightConfig, graph: ModuleGraph, lazy: boolean): ImportDecision[] {
  const decisions = decidePythonImports(sites, config, graph).map((d): ImportDecision => {
    if (!lazy && d.decision === 'lazy')
      return { ...d, decision: 'eager', reason: { code: 'lazy-disabled', text: 'lazy imports are turned off (--no-lazy)', parent: d.site.file } };
    return d.decision === 'lazy' ? { ...d, mechanism: 'stand-in' } : d;
  });
  const edges = edgeIndex(graph);
  for (const d of decisions) {
    // `import a.b.c` resolves a, a.b and a.b.c: the module the name stands for is the last.
    const to = edges.of(d.site)?.to;
    if (to?.length) d.target = to[to.length - 1];
  }
  settleLoadedAnyway(graph, decisions, edges);
  return decisions;
}
