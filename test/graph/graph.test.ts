// buildGraph on a fixture app with a fake node_modules: the whole graph is asserted (files, kinds,
// module types, first reasons, packages, diagnostics), then checked against what Node really loads.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/lang/js/analyze/graph.js';
import { createResolver } from '../../src/lang/js/analyze/resolve.js';
import type { Diagnostic, FileAnalysis, ModuleGraph } from '../../src/types.js';
import { copyFixture, listAll, nodeLoads } from './helpers.js';

const root = copyFixture('app', { 'node_modules/linked': '../packages/linked' });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const files = listAll(root);

function graphOf(entries: string[], extra: { opaque?: string[]; cache?: Map<string, FileAnalysis> } = {}) {
  const diagnostics: Diagnostic[] = [];
  const reads: string[] = [];
  const readFile = (f: string) => {
    reads.push(f);
    return fs.readFileSync(`${root}/${f}`, 'utf8');
  };
  // The running Node's conditions: the graph is checked against what this Node loads.
  const resolver = createResolver(root, { nodeVersion: process.versions.node });
  const graph = buildGraph(root, entries, { files, diagnostics, readFile, resolver, ...extra });
  return { graph, diagnostics, reads };
}

/** file → "kind[ esm|cjs] firstReasonCode" for a compact whole-graph comparison. */
function summary(graph: ModuleGraph): Record<string, string> {
  return Object.fromEntries(
    Object.entries(graph.files).map(([f, n]) => [
      f,
      [n.kind, n.isESM === undefined ? '' : n.isESM ? 'esm' : 'cjs', n.reasons[0]?.code].filter(Boolean).join(' '),
    ]),
  );
}

describe('buildGraph on the fixture app', () => {
  const { graph, diagnostics, reads } = graphOf(['handler.js']);

  it('reaches exactly the expected files, with kinds, module types and first reasons', () => {
    expect(summary(graph)).toEqual({
      'broken.js': 'js cjs require',
      'esm/index.mjs': 'js esm dynamic-import',
      'handler.js': 'js cjs handler',
      'lib/data.json': 'json require',
      'lib/extra.cjs': 'js cjs require',
      'lib/util.js': 'js cjs require',
      // pattern './locale/' + name: the JS files below locale/, not its README
      'locale/en.js': 'js cjs pattern',
      'locale/fr.js': 'js cjs pattern',
      'locale/nested/de.js': 'js cjs pattern',
      'node_modules/@scope/pkg/index.js': 'js cjs require',
      'node_modules/@scope/pkg/package.json': 'json package-json',
      // exports conditions: require → cjs.js; import (from esm/index.mjs) → esm/index.js, ESM by its nested package.json
      'node_modules/cond/cjs.js': 'js cjs require',
      'node_modules/cond/esm/index.js': 'js esm import',
      'node_modules/cond/esm/package.json': 'json package-json',
      'node_modules/cond/package.json': 'json package-json',
      // dyn has a fully dynamic require: kept whole, with its declared dependency
      // require.resolve of a data file: kept as an asset, never parsed
      'node_modules/datapkg/blob.bin': 'asset require.resolve',
      'node_modules/datapkg/package.json': 'json package-json',
      'node_modules/dep-of-dyn/index.js': 'js cjs opaque-dependency',
      'node_modules/dep-of-dyn/package.json': 'json package-json',
      'node_modules/dyn/README.md': 'other opaque-package',
      'node_modules/dyn/extra.js': 'js cjs opaque-package',
      'node_modules/dyn/index.js': 'js cjs require',
      'node_modules/dyn/package.json': 'json package-json',
      'node_modules/dirindex/package.json': 'json package-json',
      'node_modules/dirindex/sub/index.js': 'js cjs require',
      // export * from, in a "type": "module" package; c.js is not re-exported
      'node_modules/esm-pkg/a.js': 'js esm export-from',
      'node_modules/esm-pkg/b.js': 'js esm export-from',
      'node_modules/esm-pkg/index.js': 'js esm import',
      'node_modules/esm-pkg/package.json': 'json package-json',
      'node_modules/imports-pkg/index.js': 'js cjs require',
      'node_modules/imports-pkg/internal/dep.js': 'js cjs require',
      'node_modules/imports-pkg/package.json': 'json package-json',
      // the symlinked package: the real file, and the copy packaging makes at the link's path
      'node_modules/linked/index.js': 'js cjs symlink',
      'node_modules/linked/package.json': 'json package-json',
      'node_modules/mainnoext/lib/entry.js': 'js cjs require',
      'node_modules/mainnoext/package.json': 'json package-json',
      'node_modules/moment-like/index.js': 'js cjs require',
      'node_modules/moment-like/locale/fr.js': 'js cjs pattern',
      'node_modules/moment-like/locale/it.js': 'js cjs pattern',
      'node_modules/moment-like/package.json': 'json package-json',
      'node_modules/msync/package.json': 'json package-json',
      'node_modules/msync/sync.js': 'js cjs require',
      // binding.gyp: a native addon package, kept whole
      'node_modules/native/binding.gyp': 'other opaque-package',
      'node_modules/native/build/Release/addon.node': 'native opaque-package',
      'node_modules/native/index.js': 'js cjs opaque-package',
      'node_modules/native/package.json': 'json package-json',
      'node_modules/selfref/index.js': 'js cjs require',
      'node_modules/selfref/package.json': 'json package-json',
      'node_modules/selfref/util.js': 'js cjs require',
      'package.json': 'json package-json',
      'packages/linked/index.js': 'js cjs require',
      'packages/linked/package.json': 'json package-json',
      'tpl/a.hbs': 'asset asset',
    });
  });

  it('records reasons with their parents', () => {
    expect(graph.files['handler.js'].reasons).toEqual([{ code: 'handler', text: 'handler file' }]);
    expect(graph.files['lib/util.js'].reasons).toEqual([{ code: 'require', text: "require('./lib/util') at line 5", parent: 'handler.js' }]);
    expect(graph.files['node_modules/esm-pkg/a.js'].reasons).toEqual([
      { code: 'export-from', text: "export … from './a.js' at line 1", parent: 'node_modules/esm-pkg/index.js' },
    ]);
    expect(graph.files['tpl/a.hbs'].reasons).toEqual([{ code: 'asset', text: 'read as a file at line 19', parent: 'handler.js' }]);
    expect(graph.files['node_modules/dyn/index.js'].reasons.map((r) => r.code)).toEqual(['require', 'opaque-package']);
  });

  it('records packages with name, version and opacity', () => {
    const opaque = Object.fromEntries(Object.entries(graph.packages).map(([dir, p]) => [dir, p.opaque ? p.opaqueReason : false]));
    expect(opaque).toEqual({
      'node_modules/@scope/pkg': false,
      'node_modules/cond': false,
      'node_modules/datapkg': false,
      'node_modules/dep-of-dyn': false,
      'node_modules/dirindex': false,
      'node_modules/dyn': 'unknown require at node_modules/dyn/index.js:1',
      'node_modules/esm-pkg': false,
      'node_modules/imports-pkg': false,
      'node_modules/linked': false,
      'node_modules/mainnoext': false,
      'node_modules/moment-like': false,
      'node_modules/msync': false,
      'node_modules/native': 'native addon (binding.gyp or prebuilds/): it loads files by computed paths',
      'node_modules/selfref': false,
    });
    expect(graph.packages['node_modules/@scope/pkg']).toEqual({ name: '@scope/pkg', dir: 'node_modules/@scope/pkg', version: '3.0.0', opaque: false });
  });

  it('records edges: literal, builtin, pattern, unknown, unresolved', () => {
    const from = (f: string) => graph.edges.filter((e) => e.from === f);
    const compact = from('handler.js').map((e) => [e.record.specifier ?? e.record.pattern?.prefix, e.builtin ?? e.to.join(',') ?? '', e.error ? 'error' : '']);
    expect(compact).toEqual([
      ['fs', 'fs', ''],
      ['node:path', 'node:path', ''],
      ['./lib/util', 'lib/util.js', ''],
      ['./lib/data.json', 'lib/data.json', ''],
      ['./lib/extra.cjs', 'lib/extra.cjs', ''],
      ['cond', 'node_modules/cond/cjs.js', ''],
      ['mainnoext', 'node_modules/mainnoext/lib/entry.js', ''],
      ['dirindex/sub', 'node_modules/dirindex/sub/index.js', ''],
      ['@scope/pkg', 'node_modules/@scope/pkg/index.js', ''],
      ['imports-pkg', 'node_modules/imports-pkg/index.js', ''],
      ['selfref', 'node_modules/selfref/index.js', ''],
      ['linked', 'packages/linked/index.js', ''],
      ['dyn', 'node_modules/dyn/index.js', ''],
      ['native', 'node_modules/native/index.js', ''],
      ['msync', 'node_modules/msync/sync.js', ''],
      ['moment-like', 'node_modules/moment-like/index.js', ''],
      ['not-installed', '', 'error'],
      ['./broken', 'broken.js', ''],
      ['./locale/', 'locale/en.js,locale/fr.js,locale/nested/de.js', ''],
      ['./esm/index.mjs', 'esm/index.mjs', ''],
      ['datapkg/blob', 'node_modules/datapkg/blob.bin', ''],
      ['@aws-sdk/client-s3', '', 'error'],
    ]);
    const loadLocale = from('handler.js').find((e) => e.record.pattern)!;
    expect(loadLocale.record).toMatchObject({ kind: 'require', pattern: { prefix: './locale/', suffix: '' }, topLevel: false });
    expect(from('node_modules/dyn/index.js').map((e) => [e.record.unknown, e.to])).toEqual([[true, []]]);
  });

  it('reports diagnostics as data', () => {
    expect(diagnostics.map((d) => [d.id, d.severity, d.file, d.line])).toEqual([
      ['FL102', 'info', 'handler.js', 22], // require('not-installed') inside try
      ['FL104', 'info', 'handler.js', 29],
      ['FL102', 'info', 'handler.js', 36], // @aws-sdk/client-s3: provided by the Lambda runtime
      ['FL103', 'warning', 'node_modules/dyn/index.js', 1],
      ['FL104', 'info', 'node_modules/moment-like/index.js', 1],
      ['FL101', 'warning', 'broken.js', 2],
    ]);
    expect(diagnostics[0].note).toBe("Can't resolve 'not-installed' in '.'");
    expect(diagnostics[2].message).toBe("handler.js:36: cannot resolve '@aws-sdk/client-s3' (provided by the AWS Lambda Node.js 18+ runtimes)");
    expect(diagnostics[3].message).toBe('node_modules/dyn/index.js:1: require(<unknown>) at line 1 has an unknown specifier: package dyn is kept whole');
  });

  it('reads and parses each file once', () => {
    expect(reads.length).toBe(new Set(reads).size);
    expect(reads).toContain('handler.js');
    expect(reads).not.toContain('tpl/a.hbs'); // assets are kept, not read
    expect(reads).not.toContain('node_modules/datapkg/blob.bin');
  });

  it('contains every file Node loads when the handler runs', () => {
    const loaded = nodeLoads(root, 'handler.js', 'ready');
    expect(loaded).toContain('node_modules/cond/esm/index.js');
    expect(loaded.filter((f) => !graph.files[f])).toEqual([]);
  });
});

describe('buildGraph options and edge cases', () => {
  it('reuses a shared analysis cache: a second graph parses nothing again', () => {
    const cache = new Map<string, FileAnalysis>();
    const first = graphOf(['handler.js'], { cache });
    const second = graphOf(['handler.js'], { cache });
    expect(second.reads.filter((f) => f.endsWith('.js') || f.endsWith('.mjs') || f.endsWith('.cjs'))).toEqual([]);
    expect(summary(second.graph)).toEqual(summary(first.graph));
    expect(second.diagnostics).toEqual(first.diagnostics); // parse errors are reported again from the cache
  });

  it('an unknown require in app code keeps the app code whole (and the app dependencies)', () => {
    const { graph, diagnostics } = graphOf(['app-dynamic.js']);
    expect(graph.packages['.']).toMatchObject({ name: 'graph-app', dir: '.', opaque: true, opaqueReason: 'unknown require at app-dynamic.js:2' });
    const appFiles = files.filter((f) => !f.includes('node_modules/'));
    expect(appFiles.filter((f) => !graph.files[f])).toEqual([]);
    expect(graph.files['other/unused.js'].reasons[0]).toMatchObject({ code: 'opaque-package', parent: '.' });
    // declared dependencies of the app are reached through their entry points
    expect(graph.files['node_modules/cond/cjs.js'].reasons[0].code).toBe('opaque-dependency');
    expect(graph.files['node_modules/cond/esm/index.js'].reasons[0].code).toBe('opaque-dependency');
    // handler.js is kept as app code, so what it requires is followed too (dyn is dynamic as well)
    expect(diagnostics.filter((d) => d.id === 'FL103').map((d) => [d.file, d.line])).toEqual([
      ['app-dynamic.js', 2],
      ['node_modules/dyn/index.js', 1],
    ]);
  });

  it('config "opaque" keeps a package whole, reached or not', () => {
    const { graph } = graphOf(['lib/util.js'], { opaque: ['mainnoext', '@scope/pkg', 'not-there'] });
    expect(graph.packages).toEqual({
      'node_modules/@scope/pkg': {
        name: '@scope/pkg',
        dir: 'node_modules/@scope/pkg',
        version: '3.0.0',
        opaque: true,
        opaqueReason: `listed in the configuration's "opaque"`,
      },
      'node_modules/mainnoext': {
        name: 'mainnoext',
        dir: 'node_modules/mainnoext',
        version: '2.0.0',
        opaque: true,
        opaqueReason: `listed in the configuration's "opaque"`,
      },
    });
    expect(summary(graph)).toEqual({
      'lib/util.js': 'js cjs handler',
      'node_modules/@scope/pkg/index.js': 'js cjs opaque-package',
      'node_modules/@scope/pkg/package.json': 'json opaque-package',
      'node_modules/mainnoext/lib/entry.js': 'js cjs opaque-package',
      'node_modules/mainnoext/lib/other.js': 'js cjs opaque-package',
      'node_modules/mainnoext/package.json': 'json opaque-package',
      'package.json': 'json package-json',
    });
  });
});
