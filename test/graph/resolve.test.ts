// The resolver must answer as Node does. Each case has the expected answer written out (readable),
// and Node itself is asked the same questions in a child process (require.resolve through
// createRequire; import.meta.resolve with a parent, plus the loader's check that a file exists).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createResolver, targetConditions, type ResolveKind } from '../../src/lang/js/analyze/resolve.js';
import { supportsRequireEsm } from '../../src/lang/js/imports.js';
import { cleanEnv } from '../../src/util/env.js';
import { rel } from '../../src/util/paths.js';
import { copyFixture } from './helpers.js';

const root = copyFixture('app', { 'node_modules/linked': '../packages/linked' });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Case = [from: string, specifier: string, kind: ResolveKind, expected: string];
// expected: a file relative to the root, 'builtin', or 'error'
const cases: Case[] = [
  ['handler.js', './lib/util', 'require', 'lib/util.js'],
  ['handler.js', './lib/util.js', 'require', 'lib/util.js'],
  ['handler.js', './lib/data', 'require', 'lib/data.json'],
  ['handler.js', './lib/extra', 'require', 'error'], // Node never probes .cjs
  ['handler.js', './lib/extra.cjs', 'require', 'lib/extra.cjs'],
  ['handler.js', './lib/util', 'import', 'error'], // ESM: fully specified
  ['handler.js', './lib/util.js', 'import', 'lib/util.js'],
  ['handler.js', './locale', 'require', 'error'],
  ['handler.js', './esm/index.mjs', 'import', 'esm/index.mjs'],
  ['handler.js', 'cond', 'require', 'node_modules/cond/cjs.js'],
  ['handler.js', 'cond', 'import', 'node_modules/cond/esm/index.js'],
  ['handler.js', 'cond/feature', 'require', 'node_modules/cond/feature.cjs'],
  ['handler.js', 'cond/feature', 'import', 'node_modules/cond/feature.mjs'],
  ['handler.js', 'cond/unused.js', 'require', 'error'], // not exported
  ['handler.js', 'cond/package.json', 'require', 'node_modules/cond/package.json'],
  ['handler.js', 'mainnoext', 'require', 'node_modules/mainnoext/lib/entry.js'],
  ['handler.js', 'mainnoext', 'import', 'node_modules/mainnoext/lib/entry.js'], // legacy main lookup probes extensions
  ['handler.js', 'dirindex/sub', 'require', 'node_modules/dirindex/sub/index.js'],
  ['handler.js', 'dirindex/sub', 'import', 'error'], // no directory imports in ESM
  ['handler.js', 'dirindex/sub/index.js', 'import', 'node_modules/dirindex/sub/index.js'],
  ['handler.js', 'dirindex', 'import', 'node_modules/dirindex/index.js'],
  ['handler.js', '@scope/pkg', 'require', 'node_modules/@scope/pkg/index.js'],
  ['node_modules/imports-pkg/index.js', '#dep', 'require', 'node_modules/imports-pkg/internal/dep.js'],
  ['handler.js', '#dep', 'require', 'error'],
  ['node_modules/selfref/index.js', 'selfref/util', 'require', 'node_modules/selfref/util.js'],
  ['handler.js', 'esm-pkg', 'import', 'node_modules/esm-pkg/index.js'],
  ['handler.js', 'esm-pkg', 'require', 'node_modules/esm-pkg/index.js'],
  ['handler.js', 'msync', 'require', 'node_modules/msync/sync.js'], // "module-sync" (Node ≥ 20.19)
  ['handler.js', 'linked', 'require', 'packages/linked/index.js'],
  ['handler.js', 'fs', 'require', 'builtin'],
  ['handler.js', 'node:fs', 'import', 'builtin'],
  ['handler.js', 'node:test', 'require', 'builtin'],
  ['handler.js', 'not-installed', 'require', 'error'],
  ['handler.js', 'not-installed', 'import', 'error'],
];

const short = (r: { file?: string; builtin?: string; error?: string }) => r.file ?? (r.builtin ? 'builtin' : 'error');

/** Node's answers for every case, from one child process started with `flags`. */
function nodeAnswers(root: string, cases: [from: string, specifier: string, kind: ResolveKind, ...unknown[]][], flags: string[] = []): string[] {
  const script = `
    import { createRequire, isBuiltin } from 'node:module';
    import { pathToFileURL, fileURLToPath } from 'node:url';
    import fs from 'node:fs';
    const cases = ${JSON.stringify(cases.map(([from, spec, kind]) => [path.join(root, from), spec, kind]))};
    const out = cases.map(([from, spec, kind]) => {
      try {
        if (isBuiltin(spec)) return 'builtin';
        if (kind === 'require') return createRequire(from).resolve(spec);
        const url = import.meta.resolve(spec, pathToFileURL(from).href);
        const file = fileURLToPath(url);
        return fs.statSync(file).isFile() ? file : 'error'; // the loader rejects folders and missing files
      } catch { return 'error'; }
    });
    process.stdout.write(JSON.stringify(out));`;
  const out = execFileSync(process.execPath, ['--no-warnings', ...flags, '--experimental-import-meta-resolve', '--input-type=module', '-e', script], {
    env: cleanEnv(),
    encoding: 'utf8',
  });
  return (JSON.parse(out) as string[]).map((a) => (a === 'builtin' || a === 'error' ? a : rel(root, fs.realpathSync(a))));
}

describe('createResolver', () => {
  // The running Node's conditions, so that the same Node can be asked.
  const { resolve } = createResolver(root, { nodeVersion: process.versions.node });
  const node = nodeAnswers(root, cases);

  it.each(cases.map((c, i) => [...c, i] as const))('%s: %s (%s) → %s', (from, spec, kind, expected, i) => {
    expect(short(resolve(from, spec, kind))).toBe(expected);
    expect(node[i]).toBe(expected);
  });

  it('reports the path through a symlink, and keeps errors free of absolute paths', () => {
    expect(resolve('handler.js', 'linked', 'require')).toEqual({ file: 'packages/linked/index.js', linkPath: 'node_modules/linked/index.js' });
    expect(resolve('handler.js', 'builtin-like/', 'require').error).not.toContain(root);
    expect(resolve('handler.js', 'node:fs', 'require')).toEqual({ builtin: 'node:fs' });
  });

  it('refuses files outside the root', () => {
    const outside = path.join(path.dirname(root), `${path.basename(root)}-outside.js`);
    fs.writeFileSync(outside, '');
    try {
      expect(resolve('handler.js', `../${path.basename(outside)}`, 'require').error).toMatch(/outside the app/);
    } finally {
      fs.rmSync(outside);
    }
  });
});

// The target's conditions: "module-sync" only where require(esm) is on. Lambda's nodejs20.x/22.x
// (nodeVersionFor → "20.0.0", "22.0.0") run with --no-experimental-require-module; nodejs24.x has it on.
// Node itself answers each case with that flag, and without it where this Node has require(esm) on.
describe('createResolver for the target runtime (fixtures/graph/target-conditions)', () => {
  const tc = copyFixture('target-conditions');
  afterAll(() => fs.rmSync(tc, { recursive: true, force: true }));
  type TargetCase = [from: string, specifier: string, kind: ResolveKind, without: string, withSync: string];
  const targetCases: TargetCase[] = [
    ['handler.mjs', 'sync-cjs', 'require', 'node_modules/sync-cjs/require.js', 'node_modules/sync-cjs/sync.js'],
    ['handler.mjs', 'sync-cjs', 'import', 'node_modules/sync-cjs/import.mjs', 'node_modules/sync-cjs/sync.js'],
    ['handler.mjs', 'sync-esm', 'import', 'node_modules/sync-esm/import.js', 'node_modules/sync-esm/sync.js'],
    ['handler.mjs', 'sync-esm', 'require', 'node_modules/sync-esm/default.js', 'node_modules/sync-esm/sync.js'],
    // an exports fallback array: a branch that matches no condition falls through to the next entry
    ['handler.mjs', 'sync-fallback', 'require', 'node_modules/sync-fallback/fallback.js', 'node_modules/sync-fallback/sync.js'],
    ['handler.mjs', 'sync-fallback', 'import', 'node_modules/sync-fallback/fallback.js', 'node_modules/sync-fallback/sync.js'],
    // a self-reference through the app's own "exports"
    ['handler.mjs', 'tc-app', 'require', 'self-require.js', 'self-sync.js'],
    ['handler.mjs', 'tc-app', 'import', 'self-import.mjs', 'self-sync.js'],
    // the app's "imports" map
    ['handler.mjs', '#internal', 'require', 'internal-require.js', 'internal-sync.js'],
    ['handler.mjs', '#internal', 'import', 'internal-import.mjs', 'internal-sync.js'],
  ];
  const flagged = nodeAnswers(tc, targetCases, ['--no-experimental-require-module']);
  const unflagged = supportsRequireEsm(process.versions.node) ? nodeAnswers(tc, targetCases) : undefined;

  it.each(['20.0.0', '22.0.0', '22.11.0'])('Node %s (no require(esm)): the require/import branch', (nodeVersion) => {
    const { resolve } = createResolver(tc, { nodeVersion });
    expect(targetCases.map(([from, spec, kind]) => short(resolve(from, spec, kind)))).toEqual(targetCases.map((c) => c[3]));
    expect(flagged).toEqual(targetCases.map((c) => c[3]));
  });

  it.each(['24.0.0', '22.12.0', '20.19.0'])('Node %s (require(esm) on): the module-sync branch', (nodeVersion) => {
    const { resolve } = createResolver(tc, { nodeVersion });
    expect(targetCases.map(([from, spec, kind]) => short(resolve(from, spec, kind)))).toEqual(targetCases.map((c) => c[4]));
    if (unflagged) expect(unflagged).toEqual(targetCases.map((c) => c[4]));
  });

  it('targetConditions: module-sync between node and the kind, only with require(esm)', () => {
    expect(targetConditions('20.0.0', 'require')).toEqual(['node', 'require', 'default']);
    expect(targetConditions('24.0.0', 'import')).toEqual(['node', 'module-sync', 'import', 'default']);
  });
});
