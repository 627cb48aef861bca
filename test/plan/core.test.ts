// The neutral planning core with each language's rules: the loaded-anyway fixpoint, the edge a site made,
// and the file decisions under the Python rules (the JavaScript ones are in plan.test.ts).
import { describe, expect, test } from 'vitest';
import { edgeIndex, initClosure, settleLoadedAnyway } from '../../src/plan/closure.js';
import { decideFiles } from '../../src/plan/files.js';
import { planPythonImports } from '../../src/lang/python/imports.js';
import { pythonFileRules } from '../../src/lang/python/files.js';
import type { AppModel, BindingSite, ImportDecision, ModuleGraph, ResolvedEdge } from '../../src/types.js';

function edge(from: string, specifier: string, line: number, to: string[], topLevel = true): ResolvedEdge {
  return { from, record: { kind: 'import', specifier, line, column: 0, topLevel }, to };
}

function graphOf(edges: ResolvedEdge[], entries = ['app.py'], pkg: Record<string, string> = {}): ModuleGraph {
  const files: ModuleGraph['files'] = {};
  for (const f of new Set([...entries, ...edges.flatMap((e) => [e.from, ...e.to])]))
    files[f] = { kind: 'python', reasons: [{ code: 'import', text: 'imported' }], ...(pkg[f] ? { package: pkg[f] } : {}) };
  return { files, edges, packages: {}, entries };
}

function site(file: string, specifier: string, line: number, usage: BindingSite['usage'] = 'deferred'): BindingSite {
  return {
    id: `${file}#${line}`,
    file,
    specifier,
    kind: 'cjs-require',
    names: [specifier],
    start: 0,
    end: 1,
    line,
    usage,
    usageReason: `usage ${usage}`,
    refCount: 1,
  };
}

const lazy = (s: BindingSite, target: string): ImportDecision => ({
  site: s,
  decision: 'lazy',
  target,
  reason: { code: 'deferred', text: 'later', parent: s.file },
});
const summary = (ds: ImportDecision[]) => ds.map((d) => `${d.site.specifier}:${d.decision}:${d.reason.code}`);

describe('settleLoadedAnyway', () => {
  test.each([
    {
      name: 'a lazy import of a module another eager import loads at init stays eager',
      edges: [edge('app.py', 'a', 1, ['a.py']), edge('a.py', 'b', 1, ['b.py']), edge('app.py', 'b', 2, ['b.py'])],
      lazy: [['app.py', 'b', 2, 'b.py']],
      want: ['b:eager:loaded-anyway'],
    },
    {
      name: 'a module loaded only inside a function does not count',
      edges: [edge('app.py', 'a', 1, ['a.py']), edge('a.py', 'b', 3, ['b.py'], false), edge('app.py', 'b', 2, ['b.py'])],
      lazy: [['app.py', 'b', 2, 'b.py']],
      want: ['b:lazy:deferred'],
    },
    {
      // `import pkg.sub` loads pkg/__init__.py too, and only pkg/sub.py is loaded anyway: reverting it brings
      // pkg/__init__.py into the init closure, and with it c.py, which reverts the lazy import of c (a second round).
      name: 'flipping one to eager can flip another (the loop runs until nothing changes)',
      edges: [
        edge('app.py', 'pkg.sub', 1, ['pkg/__init__.py', 'pkg/sub.py']),
        edge('app.py', 'y', 2, ['y.py']),
        edge('y.py', 'sub', 1, ['pkg/sub.py']),
        edge('pkg/__init__.py', 'c', 1, ['c.py']),
        edge('app.py', 'c', 3, ['c.py']),
      ],
      lazy: [
        ['app.py', 'pkg.sub', 1, 'pkg/sub.py'],
        ['app.py', 'c', 3, 'c.py'],
      ],
      want: ['pkg.sub:eager:loaded-anyway', 'c:eager:loaded-anyway'],
    },
  ])('$name', ({ edges, lazy: lz, want }) => {
    const graph = graphOf(edges);
    const decisions = lz.map(([f, s, l, t]) => lazy(site(f as string, s as string, l as number), t as string));
    settleLoadedAnyway(graph, decisions, edgeIndex(graph));
    expect(summary(decisions)).toEqual(want);
  });

  test('the init closure skips lazy edges and edges inside functions', () => {
    const edges = [edge('app.py', 'a', 1, ['a.py']), edge('a.py', 'b', 2, ['b.py'], false), edge('app.py', 'c', 3, ['c.py'])];
    const g = graphOf(edges);
    expect([...initClosure(g, new Set([edges[2]]))].sort()).toEqual(['a.py', 'app.py']);
  });
});

describe('planPythonImports', () => {
  const edges = [
    edge('app.py', 'pkg.sub', 1, ['pkg/__init__.py', 'pkg/sub.py']),
    edge('app.py', 'json', 2, ['json/__init__.py']),
    edge('app.py', 'sys', 3, []),
  ];
  const graph = graphOf(edges);
  const sites = [site('app.py', 'pkg.sub', 1), site('app.py', 'json', 2, 'init'), site('app.py', 'sys', 3)];

  test('the target is the module the dotted name stands for; lazy ones are stand-ins', () => {
    expect(planPythonImports(sites, {}, graph, true).map((d) => [d.site.specifier, d.decision, d.mechanism, d.target, d.reason.code])).toEqual([
      ['pkg.sub', 'lazy', 'stand-in', 'pkg/sub.py', 'deferred'],
      ['json', 'eager', undefined, 'json/__init__.py', 'usage-init'],
      ['sys', 'eager', undefined, undefined, 'preloaded'],
    ]);
  });

  test('--no-lazy: what would be lazy says so', () => {
    expect(summary(planPythonImports(sites, {}, graph, false))).toEqual(['pkg.sub:eager:lazy-disabled', 'json:eager:usage-init', 'sys:eager:preloaded']);
  });
});

describe('decideFiles with the Python rules', () => {
  const files = [
    'app.py',
    'lib/used.py',
    'lib/unused.py',
    'lib/data.json',
    'lib/__pycache__/used.cpython-311.pyc',
    'data/table.csv',
    'lib/_speed.cpython-311-x86_64-linux-gnu.so',
    'lib/libplain.so',
  ];
  const app: AppModel = { root: '/app', runtime: 'python', handlers: [], config: {}, files, bytes: 0 };
  const graph = graphOf([edge('app.py', 'lib.used', 1, ['lib/used.py'])]);

  test('modules and the data next to them are stripped, caches with their own reason, other files kept', () => {
    const { files: out } = decideFiles({ app, graph, strip: true, sizeOf: () => 1, diagnostics: [] }, pythonFileRules(files));
    expect(Object.fromEntries(out.map((f) => [f.file, `${f.decision}:${f.reason.code}`]))).toEqual({
      'app.py': 'keep:import',
      'lib/used.py': 'keep:import',
      'lib/unused.py': 'strip:unreached',
      'lib/data.json': 'strip:unreached',
      'lib/__pycache__/used.cpython-311.pyc': 'strip:cache',
      'data/table.csv': 'keep:not-restorable',
      'lib/_speed.cpython-311-x86_64-linux-gnu.so': 'strip:unreached',
      'lib/libplain.so': 'keep:not-restorable',
    });
  });

  test('a traced file the analysis missed is kept and reported (FL106)', () => {
    const diagnostics: { id: string }[] = [];
    const r = decideFiles(
      { app, graph, trace: { init: ['lib/unused.py'], perEvent: {}, errors: [] }, strip: true, sizeOf: () => 1, diagnostics: diagnostics as never },
      pythonFileRules(files),
    );
    expect(r.files.find((f) => f.file === 'lib/unused.py')?.reason.code).toBe('trace');
    expect(r.disagreements.map((d) => d.file)).toEqual(['lib/unused.py']);
    expect(diagnostics.map((d) => d.id)).toEqual(['FL106']);
  });
});
