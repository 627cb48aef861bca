import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FaaslightError, UsageError } from '../../src/diagnostics.js';
import { listTree, readFallbackIndex, writePackage, type WritePackageOptions } from '../../src/package/index.js';
import { APP, hashTree, KEEP, sha256File, STRIP, tmpDir } from './helpers.js';

const base = tmpDir('fl-write-');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function opts(name: string, extra: Partial<WritePackageOptions> = {}): WritePackageOptions {
  return {
    root: APP,
    outDir: path.join(base, name),
    zipPath: path.join(base, `${name}.zip`),
    keep: KEEP,
    strip: STRIP,
    transformed: new Map(),
    handlerFiles: ['handler.js', 'esm-handler.mjs'],
    esmHandlerFiles: ['esm-handler.mjs'],
    ...extra,
  };
}

const SHIM_CJS = "require('./.faaslight/shim.cjs'); // faaslight: restores stripped files on demand";
const SHIM_ESM = "import './.faaslight/shim.cjs'; // faaslight: restores stripped files on demand";

describe('writePackage', () => {
  test('writes the documented layout; the input tree is not modified', async () => {
    const before = hashTree(APP);
    const r = await writePackage(opts('out', { transformed: new Map([['lib/kept.js', 'module.exports = { name: "kept", t: 1 };\n']]) }));
    expect(hashTree(APP)).toBe(before);

    const out = path.join(base, 'out');
    expect((await listTree(out)).map((f) => f.rel)).toEqual([
      '.faaslight/esm-hooks.mjs',
      '.faaslight/fallback/index.json',
      '.faaslight/fallback/names.json',
      '.faaslight/fallback/store.bin',
      '.faaslight/output.json',
      '.faaslight/restore.cjs',
      '.faaslight/shim.cjs',
      ...KEEP,
    ]);
    const original = (f: string): string => fs.readFileSync(path.join(APP, f), 'utf8');
    const written = (f: string): string => fs.readFileSync(path.join(out, f), 'utf8');
    expect(written('handler.js')).toBe(original('handler.js').replace("'use strict';\n", `'use strict';\n${SHIM_CJS}\n`));
    expect(written('esm-handler.mjs')).toBe(`${SHIM_ESM}\n${original('esm-handler.mjs')}`);
    expect(written('lib/kept.js')).toBe('module.exports = { name: "kept", t: 1 };\n');
    expect(written('node_modules/kept-pkg/package.json')).toBe(original('node_modules/kept-pkg/package.json'));
    expect(Object.keys((await readFallbackIndex(out))!.files)).toEqual(STRIP);
    // Packages and folders with stored files: the shim's answer to a miss without the index.
    expect(JSON.parse(written('.faaslight/fallback/names.json'))).toEqual({
      packages: ['kept-pkg', 'left-pad'],
      dirs: ['', 'lib', 'node_modules', 'node_modules/kept-pkg', 'node_modules/kept-pkg/lib', 'node_modules/left-pad'],
    });

    const storeBytes = ['index.json', 'store.bin'].reduce((s, f) => s + fs.statSync(path.join(out, '.faaslight/fallback', f)).size, 0);
    const sizes = (dir: string, files: string[]): number => files.reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    const outFiles = (await listTree(out)).map((f) => f.rel);
    expect(r).toEqual({
      outDir: out,
      zipPath: path.join(base, 'out.zip'),
      before: { files: 13, bytes: sizes(APP, [...KEEP, ...STRIP]), zipBytes: expect.any(Number) },
      after: { files: outFiles.length, bytes: sizes(out, outFiles), zipBytes: fs.statSync(path.join(base, 'out.zip')).size },
      stripped: STRIP.length,
      fallbackBytes: storeBytes,
      diagnostics: [],
      shimmedHandlers: ['esm-handler.mjs', 'handler.js'],
      esmHooks: true,
    });
    expect(r.before.zipBytes).toBeGreaterThan(0);
  });

  test('deterministic: two builds in different folders give the same zip', async () => {
    await writePackage(opts('det-a'));
    await writePackage(opts('det-b'));
    expect(sha256File(path.join(base, 'det-b.zip'))).toBe(sha256File(path.join(base, 'det-a.zip')));
    expect(hashTree(path.join(base, 'det-b'))).toBe(hashTree(path.join(base, 'det-a')));
  });

  test('nothing stripped: no shim, no store, handlers byte for byte', async () => {
    const r = await writePackage(opts('nostrip', { keep: [...KEEP, ...STRIP].sort(), strip: [] }));
    const out = path.join(base, 'nostrip');
    expect((await listTree(out)).map((f) => f.rel)).toEqual(['.faaslight/output.json', ...[...KEEP, ...STRIP].sort()]);
    expect(fs.readFileSync(path.join(out, 'handler.js'))).toEqual(fs.readFileSync(path.join(APP, 'handler.js')));
    expect([r.stripped, r.fallbackBytes, r.shimmedHandlers, r.esmHooks]).toEqual([0, 0, [], false]);
  });

  test('only non-loadable files stripped (.md, .map, .d.ts): store written, no shim', async () => {
    const root = path.join(base, 'src-docs');
    fs.mkdirSync(root);
    const files = { 'index.js': 'exports.handler = () => 1;\n', 'README.md': '# x\n', 'index.js.map': '{}', 'index.d.ts': 'export {};\n' };
    for (const [f, c] of Object.entries(files)) fs.writeFileSync(path.join(root, f), c);
    const r = await writePackage({
      root,
      outDir: path.join(base, 'docs-out'),
      zipPath: path.join(base, 'docs-out.zip'),
      keep: ['index.js'],
      strip: ['README.md', 'index.d.ts', 'index.js.map'],
      transformed: new Map(),
      handlerFiles: ['index.js'],
    });
    expect((await listTree(path.join(base, 'docs-out'))).map((f) => f.rel)).toEqual([
      '.faaslight/fallback/index.json',
      '.faaslight/fallback/store.bin',
      '.faaslight/output.json',
      'index.js',
    ]);
    expect(fs.readFileSync(path.join(base, 'docs-out/index.js'), 'utf8')).toBe(files['index.js']);
    expect([r.stripped, r.shimmedHandlers]).toEqual([3, []]);
  });

  test('CommonJS-only handlers: no ESM hooks file', async () => {
    const r = await writePackage(opts('cjs', { handlerFiles: ['handler.js'], esmHandlerFiles: [] }));
    expect(fs.existsSync(path.join(base, 'cjs/.faaslight/esm-hooks.mjs'))).toBe(false);
    expect(r.esmHooks).toBe(false);
    const off = await writePackage(opts('esm-off', { esmHooks: false }));
    expect([off.esmHooks, fs.existsSync(path.join(base, 'esm-off/.faaslight/esm-hooks.mjs'))]).toEqual([false, false]);
    expect(fs.readFileSync(path.join(base, 'esm-off/esm-handler.mjs'), 'utf8')).toMatch(/^import '\.\/\.faaslight\/shim\.cjs';/);
  });

  test('modes preserved, links inside the app kept as links, outside ones materialised with a warning', async () => {
    const root = path.join(base, 'src-links');
    fs.mkdirSync(path.join(root, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.js'), 'exports.handler = () => 1;\n');
    fs.writeFileSync(path.join(root, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(base, 'outside.txt'), 'outside\n');
    fs.symlinkSync('../index.js', path.join(root, 'lib/alias.js'));
    fs.symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'lib/outside.txt'));
    const r = await writePackage({
      root,
      outDir: path.join(base, 'links-out'),
      zipPath: path.join(base, 'links-out.zip'),
      keep: ['index.js', 'lib/alias.js', 'lib/outside.txt', 'run.sh'],
      strip: [],
      transformed: new Map(),
      handlerFiles: ['index.js'],
    });
    const out = path.join(base, 'links-out');
    expect(fs.readlinkSync(path.join(out, 'lib/alias.js'))).toBe('../index.js');
    expect(fs.lstatSync(path.join(out, 'lib/outside.txt')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(out, 'lib/outside.txt'), 'utf8')).toBe('outside\n');
    expect(fs.statSync(path.join(out, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(r.diagnostics.map((d) => [d.id, d.file])).toEqual([['FL007', 'lib/outside.txt']]);
  });
});

describe('writePackage refuses', () => {
  const refusals: { name: string; make: () => Partial<WritePackageOptions>; error: typeof FaaslightError; message: RegExp }[] = [
    { name: 'output inside the input', make: () => ({ outDir: path.join(APP, 'out') }), error: UsageError, message: /must not be inside the input/ },
    { name: 'input inside the output', make: () => ({ outDir: path.dirname(APP) }), error: UsageError, message: /or contain it/ },
    { name: 'zip inside the input', make: () => ({ zipPath: path.join(APP, 'x.zip') }), error: UsageError, message: /zip .* inside the input/ },
    {
      name: 'zip inside the output',
      make: () => ({ zipPath: path.join(base, 'zin', 'x.zip'), outDir: path.join(base, 'zin') }),
      error: UsageError,
      message: /inside the output folder/,
    },
    {
      name: 'a file both kept and stripped',
      make: () => ({ keep: [...KEEP, 'lib/uses-kept.js'], outDir: path.join(base, 'both') }),
      error: FaaslightError,
      message: /lib\/uses-kept.js is both kept and stripped/,
    },
    {
      name: 'a path escaping the root',
      make: () => ({ keep: ['../run.cjs'], outDir: path.join(base, 'esc') }),
      error: FaaslightError,
      message: /invalid package path/,
    },
  ];
  test.each(refusals)('$name', async ({ make, error, message }) => {
    const before = hashTree(APP);
    const err = await writePackage(opts('refused', make())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(error);
    expect((err as Error).message).toMatch(message);
    expect(hashTree(APP)).toBe(before);
  });

  test('a non-empty folder that is not a faaslight output is left alone; a previous output is replaced', async () => {
    const user = path.join(base, 'user-folder');
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, 'precious.txt'), 'keep me');
    const err = await writePackage(opts('user-folder')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).diagnostic?.id).toBe('FL401');
    expect(fs.readdirSync(user)).toEqual(['precious.txt']);

    await writePackage(opts('again'));
    fs.writeFileSync(path.join(base, 'again', 'stale.txt'), 'from an older run');
    await writePackage(opts('again'));
    expect(fs.existsSync(path.join(base, 'again', 'stale.txt'))).toBe(false);
  });
});
