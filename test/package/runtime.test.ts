// The runtime shim, executed for real: the fixture app is packaged with files stripped, then each
// event is run against the original and the optimized package in clean child processes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writePackage } from '../../src/package/index.js';
import { APP, hashTree, KEEP, runHandler, STRIP, tmpDir } from './helpers.js';

let base: string;
let pkg: string;
let mirrors = 0;
const freshMirror = (): string => path.join(base, `mirror-${mirrors++}`);

beforeAll(async () => {
  base = tmpDir();
  fs.chmodSync(base, 0o777); // the read-only case runs as an unprivileged user when we are root
  pkg = path.join(base, 'pkg');
  await writePackage({
    root: APP,
    outDir: pkg,
    zipPath: path.join(base, 'pkg.zip'),
    keep: KEEP,
    strip: STRIP,
    transformed: new Map(),
    handlerFiles: ['handler.js', 'esm-handler.mjs'],
    esmHandlerFiles: ['esm-handler.mjs'],
  });
});

afterAll(() => {
  execFileSync('chmod', ['-R', 'u+w', base]);
  fs.rmSync(base, { recursive: true, force: true });
});

/** Paths in messages name the package folder: compare them relative to it. */
function normalise(out: unknown, root: string): unknown {
  return JSON.parse(JSON.stringify(out).split(root).join('<root>'));
}

const cases: { name: string; handler: string; event: object; loads: string[] }[] = [
  { name: 'nothing missing', handler: 'handler.js', event: {}, loads: [] },
  { name: '(a) stripped relative file', handler: 'handler.js', event: { a: 1 }, loads: ['lib/stripped-rel.js'] },
  {
    name: '(b) stripped package by name (its package.json stripped too)',
    handler: 'handler.js',
    event: { b: 1 },
    loads: ['node_modules/left-pad/index.js', 'node_modules/left-pad/repeat.js'],
  },
  {
    name: '(c) stripped file of a kept package, through its "exports"',
    handler: 'handler.js',
    event: { c: 1 },
    loads: ['node_modules/kept-pkg/lib/extra.js'],
  },
  { name: '(d) stripped file requiring kept files', handler: 'handler.js', event: { d: 1 }, loads: ['lib/uses-kept.js'] },
  { name: '(e) never in the package', handler: 'handler.js', event: { e: 1 }, loads: [] },
  // restoreLoaded is part of the output: the shim answers from names.json, restore.cjs stays unloaded.
  { name: '(h) optional package probed, never installed', handler: 'handler.js', event: { h: 1 }, loads: [] },
  {
    name: 'all at once: one line per restored file',
    handler: 'handler.js',
    event: { a: 1, b: 1, c: 1, d: 1, e: 1 },
    loads: [
      'lib/stripped-rel.js',
      'node_modules/left-pad/index.js',
      'node_modules/left-pad/repeat.js',
      'node_modules/kept-pkg/lib/extra.js',
      'lib/uses-kept.js',
    ],
  },
  { name: '(g) ESM handler importing a stripped module', handler: 'esm-handler.mjs', event: { g: 1 }, loads: ['lib/stripped-esm.mjs'] },
  { name: '(e) ESM import never in the package', handler: 'esm-handler.mjs', event: { e: 1 }, loads: [] },
];

describe('runtime shim', () => {
  test.each(cases)('$name', ({ handler, event, loads }) => {
    const original = runHandler(path.join(APP, handler), event);
    expect(original.status, original.stderr).toBe(0);
    const mirror = freshMirror();
    const optimized = runHandler(path.join(pkg, handler), event, { mirror });
    expect(optimized.status, optimized.stderr).toBe(0);
    expect(normalise(optimized.out, pkg)).toEqual(normalise(original.out, APP));
    expect(optimized.fallbackLoads).toEqual(loads);
    // Until something the store holds is missing the shim does nothing: not even the mirror folder is
    // created (a probe for a module that was never in the package costs one index read).
    expect(fs.existsSync(mirror)).toBe(loads.length > 0);
  });

  test('without names.json, restore.cjs answers the probe from the index', () => {
    const old = path.join(base, 'pkg-without-list');
    fs.cpSync(pkg, old, { recursive: true });
    fs.rmSync(path.join(old, '.faaslight/fallback/names.json'));
    const r = runHandler(path.join(old, 'handler.js'), { h: 1 }, { mirror: freshMirror() });
    expect(r.status, r.stderr).toBe(0);
    expect((r.out as { h: { code: string; restoreLoaded: boolean }[] }).h).toMatchObject([
      { code: 'MODULE_NOT_FOUND', restoreLoaded: true },
      { code: 'MODULE_NOT_FOUND', restoreLoaded: true },
    ]);
  });

  test('module identity holds for kept modules required from restored files', () => {
    const r = runHandler(path.join(pkg, 'handler.js'), { c: 1, d: 1 }, { mirror: freshMirror() });
    expect(r.out).toEqual({
      kept: 'kept',
      c: { value: 'stripped file of a kept package', samePkg: true },
      d: { sameKept: true, sameKeptPkg: true, again: true },
    });
  });

  test('the original MODULE_NOT_FOUND is rethrown unchanged', () => {
    const r = runHandler(path.join(pkg, 'handler.js'), { e: 1 }, { mirror: freshMirror() });
    expect(r.out).toEqual({
      kept: 'kept',
      e: {
        code: 'MODULE_NOT_FOUND',
        message: `Cannot find module './lib/never-existed'\nRequire stack:\n- ${pkg}/handler.js\n- ${path.join(APP, '..', 'run.cjs')}`,
      },
    });
  });

  test('a second process reuses the restored mirror and still reports its loads', () => {
    const mirror = freshMirror();
    const first = runHandler(path.join(pkg, 'handler.js'), { a: 1 }, { mirror });
    const second = runHandler(path.join(pkg, 'handler.js'), { a: 1 }, { mirror });
    expect([first.fallbackLoads, second.fallbackLoads]).toEqual([['lib/stripped-rel.js'], ['lib/stripped-rel.js']]);
    expect(second.out).toEqual(first.out);
  });

  test('(f) read-only task root: restores into the mirror, writes nothing into the package', () => {
    const before = hashTree(pkg);
    const asRoot = process.getuid?.() === 0; // root ignores permissions: run as nobody then
    const mirrorParent = path.join(base, 'ro-mirrors');
    fs.mkdirSync(mirrorParent, { mode: 0o777 });
    fs.chmodSync(mirrorParent, 0o777);
    execFileSync('chmod', ['-R', 'a-w', pkg]);
    try {
      const r = runHandler(
        path.join(pkg, 'handler.js'),
        { a: 1, b: 1, c: 1, d: 1 },
        { mirror: path.join(mirrorParent, 'm'), ...(asRoot ? { uid: 65534, gid: 65534 } : {}) },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.fallbackLoads).toEqual([
        'lib/stripped-rel.js',
        'node_modules/left-pad/index.js',
        'node_modules/left-pad/repeat.js',
        'node_modules/kept-pkg/lib/extra.js',
        'lib/uses-kept.js',
      ]);
      expect(r.out).toEqual({
        kept: 'kept',
        a: 'stripped relative file',
        b: '--x',
        c: { value: 'stripped file of a kept package', samePkg: true },
        d: { sameKept: true, sameKeptPkg: true, again: true },
      });
    } finally {
      execFileSync('chmod', ['-R', 'u+w', pkg]);
    }
    expect(hashTree(pkg)).toBe(before);
  });

  test('a corrupt store entry: the original error, plus one line saying why', () => {
    const copy = path.join(base, 'corrupt');
    fs.cpSync(pkg, copy, { recursive: true });
    const index = JSON.parse(fs.readFileSync(path.join(copy, '.faaslight/fallback/index.json'), 'utf8'));
    const store = fs.readFileSync(path.join(copy, '.faaslight/fallback/store.bin'));
    const e = index.files['lib/stripped-rel.js'];
    store[e.offset + e.length - 5] ^= 0xff; // inside the gzip trailer: CRC mismatch
    fs.writeFileSync(path.join(copy, '.faaslight/fallback/store.bin'), store);
    const r = runHandler(path.join(copy, 'handler.js'), { a: 1 }, { mirror: freshMirror() });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`ERR Error: Cannot find module './lib/stripped-rel'\nRequire stack:\n- ${copy}/handler.js`);
    expect(r.stderr).toMatch(/^faaslight: fallback failed for lib\/stripped-rel\.js: /m);
    expect(r.fallbackLoads).toEqual([]);
  });
});
