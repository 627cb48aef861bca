import { describe, expect, it } from 'vitest';
import { makePlan, initClosure } from '../../src/plan/plan.js';
import { decideJsImports, supportsRequireEsm, type JsImportInput } from '../../src/lang/js/imports.js';
import { JS_FILE_RULES } from '../../src/lang/js/files.js';
import { packageDirOf } from '../../src/lang/js/analyze/file-index.js';
import type { AppModel, BindingSite, ModuleGraph, ResolvedEdge } from '../../src/types.js';

// A tiny synthetic app: handler.js requires heavy (deferred), util (init), polyfill (deferred but global),
// node:fs (deferred, built-in), cyc (deferred but cyclic), shared (deferred but loaded by util at init anyway).
const files: Record<string, string> = {
  'handler.js': '',
  'util.js': '',
  'cyc.js': '',
  'node_modules/heavy/index.js': 'module.exports = {}',
  'node_modules/heavy/package.json': '{}',
  'node_modules/heavy/lib/a.js': '',
  'node_modules/shared/index.js': '',
  'node_modules/isomorphic-fetch/index.js': '',
  'node_modules/poly/index.js': 'global.fetch = require("x");',
  'node_modules/unused/index.js': '',
  'README.md': '',
  'package.json': '{}',
  'static/style.css': '',
  'node_modules/heavy/README.md': '',
  'node_modules/heavy/index.d.ts': '',
  'node_modules/heavy/data.txt': '',
  'node_modules/gone/logo.png': '',
  'node_modules/gone/index.js': '',
  'node_modules/@s/gone/lib/x.js': '',
  'node_modules/moment/moment.js': '',
  'node_modules/moment/locale/fi.js': '',
};

function edge(from: string, specifier: string, line: number, to: string[], extra: Partial<ResolvedEdge> = {}): ResolvedEdge {
  return { from, record: { kind: 'require', specifier, line, column: 0 }, to, ...extra };
}

function site(specifier: string, line: number, usage: BindingSite['usage'], extra: Partial<BindingSite> = {}): BindingSite {
  return {
    id: `handler.js#${line}`,
    file: 'handler.js',
    specifier,
    kind: 'cjs-require',
    names: ['x'],
    start: 0,
    end: 1,
    line,
    usage,
    usageReason: `usage ${usage}`,
    refCount: 1,
    ...extra,
  };
}

function graphOf(edges: ResolvedEdge[]): ModuleGraph {
  const g: ModuleGraph = { files: {}, edges, packages: {}, entries: ['handler.js'] };
  const reached = new Set(['handler.js', ...edges.flatMap((e) => e.to)]);
  for (const f of reached) g.files[f] = { kind: 'js', reasons: [{ code: 'import', text: 'required', parent: 'handler.js' }] };
  g.files['node_modules/heavy/package.json'] = { kind: 'json', reasons: [{ code: 'package-json', text: 'manifest' }] };
  return g;
}

type PlanInput = JsImportInput & { strip: boolean; sizeOf: (file: string) => number };

/** The plan the JavaScript adapter makes: its import decisions and its file rules, through the neutral core. */
const jsPlan = (i: PlanInput) => makePlan({ ...i, imports: decideJsImports(i), fileRules: JS_FILE_RULES });

function input(sites: BindingSite[], edges: ResolvedEdge[], over: Partial<PlanInput> = {}): PlanInput {
  const app: AppModel = {
    root: '/app',
    runtime: 'nodejs',
    handlers: [{ handler: 'handler.handler', file: 'handler.js', exportName: 'handler', runtime: 'nodejs', style: 'aws', source: 'test' }],
    config: {},
    files: Object.keys(files).sort(),
    bytes: 0,
  };
  return {
    app,
    graph: graphOf(edges),
    sites,
    nodeVersion: '20.0.0',
    lazy: true,
    strip: true,
    readSource: (f) => files[f],
    sizeOf: (f) => files[f]?.length ?? 0,
    diagnostics: [],
    ...over,
  };
}

const baseEdges = [
  edge('handler.js', 'heavy', 1, ['node_modules/heavy/index.js']),
  edge('node_modules/heavy/index.js', './lib/a', 1, ['node_modules/heavy/lib/a.js']),
  edge('handler.js', './util', 2, ['util.js']),
  edge('util.js', 'shared', 1, ['node_modules/shared/index.js']),
  edge('handler.js', 'shared', 3, ['node_modules/shared/index.js']),
  edge('handler.js', 'fs', 4, [], { builtin: 'fs' }),
  edge('handler.js', './cyc', 5, ['cyc.js']),
  edge('cyc.js', './handler', 1, ['handler.js']),
  edge('handler.js', 'poly', 6, ['node_modules/poly/index.js']),
  edge('handler.js', 'isomorphic-fetch', 7, ['node_modules/isomorphic-fetch/index.js']),
  edge('handler.js', 'unused', 8, ['node_modules/unused/index.js']),
  edge('handler.js', 'missing', 9, [], { error: 'not found' }),
  edge('handler.js', 'moment', 10, ['node_modules/moment/moment.js']),
];

describe('makePlan: import decisions', () => {
  const cases: [string, BindingSite, string, string?][] = [
    ['deferred heavy package → lazy', site('heavy', 1, 'deferred'), 'lazy', 'deferred'],
    ['used at init → eager', site('./util', 2, 'init'), 'eager', 'usage-init'],
    ['loaded at init anyway through util → eager', site('shared', 3, 'deferred'), 'eager', 'loaded-anyway'],
    ['built-in → eager', site('fs', 4, 'deferred'), 'eager', 'builtin'],
    ['import cycle → eager', site('./cyc', 5, 'deferred'), 'eager', 'cycle'],
    ['entry writes globals → eager', site('poly', 6, 'deferred'), 'eager', 'global-side-effects'],
    ['known polyfill package → eager', site('isomorphic-fetch', 7, 'deferred'), 'eager', 'global-side-effects'],
    ['unused binding keeps its side effects → eager', site('unused', 8, 'unused'), 'eager', 'usage-unused'],
    ['unresolved → eager', site('missing', 9, 'deferred'), 'eager', 'unresolved'],
    ['side-effect-only → eager', site('heavy', 1, 'init', { kind: 'side-effect' }), 'eager', 'side-effect'],
    ['reassigned (unknown) → eager', site('heavy', 1, 'unknown'), 'eager', 'usage-unknown'],
  ];
  for (const [name, s, decision, code] of cases) {
    it(name, () => {
      const p = jsPlan(input([s, site('./util', 2, 'init')], baseEdges));
      const d = p.imports.find((x) => x.site.line === s.line)!;
      expect(d.decision).toBe(decision);
      expect(d.reason.code).toBe(code);
    });
  }

  it('config "eager" and --no-lazy win', () => {
    const i = input([site('heavy', 1, 'deferred')], baseEdges);
    i.app.config.eager = ['heavy'];
    expect(jsPlan(i).imports[0].reason.code).toBe('config-eager');
    expect(jsPlan(input([site('heavy', 1, 'deferred')], baseEdges, { lazy: false })).imports[0].reason.code).toBe('lazy-disabled');
  });
});

describe('makePlan: deferred Node built-ins', () => {
  // handler.js: heavy (lazy root) at line 1, util at line 2 (init), built-ins from line 11 on.
  // heavy/index.js requires zlib (deferred there); lib/a.js (loaded with heavy) requires os at its top.
  const at = (file: string, specifier: string, line: number, usage: BindingSite['usage'], extra: Partial<BindingSite> = {}) =>
    site(specifier, line, usage, { id: `${file}#${line}`, file, ...extra });
  const bi = (from: string, name: string, line: number, extra: Partial<ResolvedEdge['record']> = {}) => {
    const e = edge(from, name, line, [], { builtin: name });
    Object.assign(e.record, extra);
    return e;
  };
  const edges = (...more: ResolvedEdge[]) => [
    edge('handler.js', 'heavy', 1, ['node_modules/heavy/index.js']),
    edge('node_modules/heavy/index.js', './lib/a', 1, ['node_modules/heavy/lib/a.js']),
    edge('handler.js', './util', 2, ['util.js']),
    bi('handler.js', 'node:crypto', 11),
    bi('handler.js', 'domain', 12),
    bi('node_modules/heavy/index.js', 'zlib', 2),
    bi('node_modules/heavy/lib/a.js', 'os', 1),
    bi('node_modules/heavy/index.js', 'os', 3),
    ...more,
  ];
  const base = [site('heavy', 1, 'deferred'), site('./util', 2, 'init')];
  const cases: [string, BindingSite, ResolvedEdge[], string | undefined, string?][] = [
    // [name, site, extra edges, expected decision code (undefined: dropped from the plan), mechanism]
    ['deferred crypto in the app → lazy', site('node:crypto', 11, 'deferred'), [], 'deferred-builtin', 'require'],
    ['used at init → eager', site('node:crypto', 11, 'init'), [], 'usage-init'],
    ['domain changes EventEmitter when loaded → eager', site('domain', 12, 'deferred'), [], 'builtin'],
    ['also required at the top of a file evaluated at init → eager', site('node:crypto', 11, 'deferred'), [bi('util.js', 'crypto', 1)], 'loaded-anyway'],
    ['tls at init loads crypto → eager', site('node:crypto', 11, 'deferred'), [bi('util.js', 'tls', 1)], 'loaded-anyway'],
    [
      'a require inside a function of util.js does not load it at init → lazy',
      site('node:crypto', 11, 'deferred'),
      [bi('util.js', 'crypto', 1, { topLevel: false })],
      'deferred-builtin',
      'require',
    ],
    ['the same require made lazy in util.js too → both lazy', site('node:crypto', 11, 'deferred'), [bi('util.js', 'crypto', 7)], 'deferred-builtin', 'require'],
    ['in a package, deferred → lazy', at('node_modules/heavy/index.js', 'zlib', 2, 'deferred'), [], 'deferred-builtin', 'require'],
    ['in a package, used at init → not a decision', at('node_modules/heavy/index.js', 'zlib', 2, 'init'), [], undefined],
    ['in a package, loaded anyway when its lazy root loads → not a decision', at('node_modules/heavy/index.js', 'os', 3, 'deferred'), [], undefined],
  ];
  for (const [name, s, more, code, mechanism] of cases) {
    it(name, () => {
      const extra = name.includes('made lazy in util.js') ? [at('util.js', 'crypto', 7, 'deferred')] : [];
      const p = jsPlan(input([...base, s, ...extra], edges(...more)));
      const d = p.imports.find((x) => x.site.file === s.file && x.site.line === s.line);
      expect(d?.reason.code).toBe(code);
      if (code) expect(d!.decision).toBe(code === 'deferred-builtin' ? 'lazy' : 'eager');
      expect(d?.mechanism).toBe(mechanism);
      expect(d?.target).toBeUndefined();
      if (extra.length) expect(p.imports.find((x) => x.site.file === 'util.js')?.decision).toBe('lazy');
    });
  }

  const esm: [string, Partial<BindingSite>, string, string | undefined][] = [
    ['named import → create-require', { kind: 'esm-named' }, 'deferred-builtin', 'create-require'],
    ['default import → create-require', { kind: 'esm-default' }, 'deferred-builtin', 'create-require'],
    ['namespace used only in async functions → dynamic-import', { kind: 'esm-namespace', allRefsInAsync: true }, 'deferred-builtin', 'dynamic-import'],
    ['namespace used in a sync function → eager (require gives module.exports)', { kind: 'esm-namespace' }, 'esm-namespace-builtin', undefined],
  ];
  for (const [name, s, code, mechanism] of esm) {
    it(`ES module: ${name}`, () => {
      const g = graphOf([bi('handler.js', 'node:crypto', 11)]);
      g.files['handler.js'].isESM = true;
      const d = jsPlan(input([site('node:crypto', 11, 'deferred', s)], [], { graph: g })).imports[0];
      expect([d.reason.code, d.mechanism]).toEqual([code, mechanism]);
    });
  }
});

describe('makePlan: ESM mechanisms', () => {
  const esmGraph = (targetEsm: boolean) => {
    const g = graphOf([edge('handler.js', 'heavy', 1, ['node_modules/heavy/index.js'])]);
    g.files['handler.js'].isESM = true;
    g.files['node_modules/heavy/index.js'].isESM = targetEsm;
    return g;
  };
  const cases: [string, boolean, Partial<BindingSite>, string, string | undefined, string | undefined][] = [
    // [name, target is ESM, site, nodeVersion, expected mechanism, require-resolution]
    ['CJS target, same file under require → create-require', false, { kind: 'esm-default' }, '20.0.0', 'create-require', 'node_modules/heavy/index.js'],
    [
      'dual package, all uses in async → dynamic-import',
      false,
      { kind: 'esm-default', allRefsInAsync: true },
      '20.0.0',
      'dynamic-import',
      'node_modules/heavy/index.cjs',
    ],
    ['dual package, sync use → eager', false, { kind: 'esm-default' }, '20.0.0', undefined, 'node_modules/heavy/index.cjs'],
    ['ESM target in async → dynamic-import', true, { kind: 'esm-named', allRefsInAsync: true }, '20.0.0', 'dynamic-import', undefined],
    ['ESM target, sync use, old Node → eager', true, { kind: 'esm-named' }, '20.0.0', undefined, undefined],
    ['ESM target, sync use, Node 20.19 → require-esm', true, { kind: 'esm-named' }, '20.19.0', 'require-esm', 'node_modules/heavy/index.js'],
    [
      'ESM target of a dual package, sync use, Node 20.19 → eager (require would load the other build)',
      true,
      { kind: 'esm-named' },
      '20.19.0',
      undefined,
      'node_modules/heavy/index.cjs',
    ],
  ];
  for (const [name, targetEsm, s, nodeVersion, mechanism, viaRequire] of cases) {
    it(name, () => {
      const i = input([site('heavy', 1, 'deferred', s)], [], { graph: esmGraph(targetEsm), nodeVersion, resolveRequire: () => viaRequire });
      const d = jsPlan(i).imports[0];
      expect(d.mechanism).toBe(mechanism);
      expect(d.decision).toBe(mechanism ? 'lazy' : 'eager');
    });
  }
});

describe('makePlan: files', () => {
  it('keeps reached files, root package.json and config globs; strips the rest with a reason', () => {
    const i = input([], baseEdges);
    i.app.config.keep = ['README.*'];
    const p = jsPlan(i);
    const byFile = Object.fromEntries(p.files.map((f) => [f.file, `${f.decision}:${f.reason.code}`]));
    expect(byFile).toEqual({
      'README.md': 'keep:config-keep',
      'cyc.js': 'keep:import',
      'handler.js': 'keep:import',
      'node_modules/heavy/index.js': 'keep:import',
      'node_modules/heavy/lib/a.js': 'keep:import',
      'node_modules/heavy/package.json': 'keep:package-json',
      'node_modules/isomorphic-fetch/index.js': 'keep:import',
      'node_modules/poly/index.js': 'keep:import',
      'node_modules/shared/index.js': 'keep:import',
      'node_modules/unused/index.js': 'keep:import',
      'package.json': 'keep:root-manifest',
      'util.js': 'keep:import',
      'static/style.css': 'keep:not-restorable',
      'node_modules/heavy/README.md': 'strip:unreached',
      'node_modules/heavy/index.d.ts': 'strip:unreached',
      'node_modules/heavy/data.txt': 'keep:not-restorable',
      'node_modules/gone/logo.png': 'strip:unreached',
      'node_modules/gone/index.js': 'strip:unreached',
      'node_modules/@s/gone/lib/x.js': 'strip:unreached',
      'node_modules/moment/moment.js': 'keep:import',
      'node_modules/moment/locale/fi.js': 'keep:package-quirk',
    });
  });

  it.each([
    ['node_modules/a/index.js', 'node_modules/a'],
    ['node_modules/@s/b/lib/c.js', 'node_modules/@s/b'],
    ['node_modules/a/node_modules/b/x.js', 'node_modules/a/node_modules/b'],
    ['src/x.js', undefined],
    ['node_modules/.package-lock.json', undefined],
  ])('packageDirOf(%s) = %s', (f, d) => expect(packageDirOf(f)).toBe(d));

  it('a file the trace saw is kept and the disagreement is reported', () => {
    const g = graphOf([edge('handler.js', './util', 2, ['util.js'])]);
    const p = jsPlan(input([], [], { graph: g, trace: { init: ['cyc.js'], perEvent: { 'e.json': ['node_modules/unused/index.js'] }, errors: [] } }));
    const d = Object.fromEntries(p.files.map((f) => [f.file, f.decision]));
    expect(d['cyc.js']).toBe('keep');
    expect(d['node_modules/unused/index.js']).toBe('keep');
    expect(d['node_modules/heavy/index.js']).toBe('strip');
    expect(p.traceDisagreements.map((x) => x.file)).toEqual(['cyc.js', 'node_modules/unused/index.js']);
  });
});

describe('initClosure and supportsRequireEsm', () => {
  it('skips lazy edges and requires inside functions', () => {
    const edges = [edge('handler.js', 'heavy', 1, ['node_modules/heavy/index.js']), edge('handler.js', './util', 2, ['util.js'])];
    edges[1].record.topLevel = false;
    const g = graphOf(edges);
    expect([...initClosure(g, new Set())].sort()).toEqual(['handler.js', 'node_modules/heavy/index.js']);
    expect([...initClosure(g, new Set([edges[0]]))]).toEqual(['handler.js']);
  });
  it.each([
    ['20.18.1', false],
    ['20.19.0', true],
    ['22.11.0', false],
    ['22.12.0', true],
    ['24.0.0', true],
    ['18.20.0', false],
  ])('require(esm) on %s: %s', (v, ok) => expect(supportsRequireEsm(v)).toBe(ok));
});
