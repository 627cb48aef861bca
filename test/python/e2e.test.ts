import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fallbackLines, invokeScript, optimizePythonApp, runPython, tmpDir, type Optimized, cleanupTmp } from './helpers.js';

const APP1 = path.resolve('fixtures/python/app1');
const DRIVER = path.resolve('test/python/drivers/stubs_driver.py');
const WATCH = ['heavy', 'pkg.sub', 'pkg.sub.mod', 'vlib', 'json'];

describe('app1: lazy imports, stubs, stripping, executed by /usr/bin/python3 -S', () => {
  let opt: Optimized;
  beforeAll(async () => {
    opt = await optimizePythonApp(APP1, ['handler.handler', 'broken_handler.handler']);
  });

  test('plan: what became lazy, what was stubbed, what was stripped', () => {
    expect(opt.applied.sort()).toMatchInlineSnapshot(`
      [
        "broken_handler.py: line 1: import json → lazy",
        "broken_handler.py: line 2: import broken → lazy",
        "broken_handler.py: shim → installed",
        "handler.py: line 10: import importlib → lazy",
        "handler.py: line 5: import json → lazy",
        "handler.py: line 6: import heavy → lazy",
        "handler.py: line 7: import pkg.sub.mod → lazy",
        "handler.py: line 8: from heavy import compute as heavy_compute → lazy",
        "handler.py: line 9: import vlib → lazy",
        "handler.py: shim → installed",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:20: kw_defaults → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:28: gen_values → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:37: coro → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:45: write_global → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:55: cached → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:68: Shape.area → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:75: Shape.perimeter → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:80: Shape.__private → stub",
        "vendor/vlib/__init__.py: vendor/vlib/__init__.py:85: Shape.uses_private → stub",
        "vendor/vlib/core.py: vendor/vlib/core.py:8: never_called → stub",
      ]
    `);
    expect(opt.stripped).toEqual(['vendor/spare/__init__.py', 'vendor/vlib/tests/__init__.py', 'vendor/vlib/tests/test_core.py', 'vendor/vlib/unused_mod.py']);
    expect(Object.keys(opt.analysis.graph.files)).toContain('vendor/vlib-1.0.dist-info/METADATA');
    expect(Object.keys(opt.analysis.graph.files)).toContain('vendor/vlib/data.json');
  });

  test('same output; lazy modules are not loaded at init, then are the same objects', async () => {
    const script = invokeScript('handler', 'handler', { n: 5 }, WATCH);
    const a = runPython(APP1, ['-c', script]);
    const b = runPython(opt.out, ['-c', script], await tmpDir('mirror'));
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(rb.result).toEqual(ra.result);
    expect(ra.result).toEqual({ alias: 63, heavy: 42, lib: 11, same_module: true, submodule: 'mod-value', submodule_attr: true });
    expect(ra.init).toEqual(WATCH);
    expect(rb.init).toEqual(['json']);
  });

  test('a stripped module imported at run time comes back through the fallback finder', async () => {
    const mirror = await tmpDir('mirror');
    for (const mod of ['vlib.unused_mod', 'spare']) {
      const script = invokeScript('handler', 'handler', { module: mod }, []);
      const a = runPython(APP1, ['-c', script]);
      const b = runPython(opt.out, ['-c', script], mirror);
      expect(JSON.parse(b.stdout).result).toEqual(JSON.parse(a.stdout).result);
      expect(fallbackLines(b.stderr)).toEqual([mod === 'spare' ? 'vendor/spare/__init__.py' : 'vendor/vlib/unused_mod.py']);
    }
  });

  test('a lazy import that raises: the same exception at first use, and again at the next use', async () => {
    const a = runPython(APP1, ['-c', invokeScript('broken_handler', 'handler', {})]);
    expect(a.status).not.toBe(0);
    expect(a.stderr).toContain('ImportError: broken cannot be imported');
    const b = runPython(opt.out, ['-c', invokeScript('broken_handler', 'handler', {})], await tmpDir('mirror'));
    expect(JSON.parse(JSON.parse(b.stdout).result)).toEqual([
      ['ImportError', 'broken cannot be imported'],
      ['ImportError', 'broken cannot be imported'],
    ]);
  });

  test('stubs: keyword/default args, generator, coroutine, global writes, decorators, methods, metadata', async () => {
    await fsp.copyFile(DRIVER, path.join(opt.out, 'driver.py'));
    const a = runPython(APP1, [DRIVER]);
    const b = runPython(opt.out, ['driver.py'], await tmpDir('mirror'));
    expect(a.stderr).toBe('');
    const ra = JSON.parse(a.stdout);
    expect(JSON.parse(b.stdout)).toEqual(ra);
    expect(ra.kw).toEqual([18, []]);
    expect(ra.gen).toEqual([0, ['got', 'x'], 10, ['stop', 'done']]);
    expect(ra.globals).toEqual([42, 'created', { writes: 1 }]);
    expect(fallbackLines(b.stderr)).toEqual(['vendor/vlib/__init__.py', 'vendor/vlib/core.py']);
  });

  test('the input folder is never modified', async () => {
    const { listFiles } = await import('../../src/util/files.js');
    expect((await listFiles(APP1)).files).toEqual([
      'broken.py',
      'broken_handler.py',
      'handler.py',
      'heavy/__init__.py',
      'pkg/__init__.py',
      'pkg/sub/__init__.py',
      'pkg/sub/mod.py',
      'vendor/spare/__init__.py',
      'vendor/vlib-1.0.dist-info/METADATA',
      'vendor/vlib/__init__.py',
      'vendor/vlib/core.py',
      'vendor/vlib/data.json',
      'vendor/vlib/tests/__init__.py',
      'vendor/vlib/tests/test_core.py',
      'vendor/vlib/unused_mod.py',
    ]);
  });
});

describe('--trace for Python', () => {
  test('files loaded at init and first loaded per event, relative to the package', async () => {
    const { tracePythonApp } = await import('../../src/lang/python/analyze/trace.js');
    const { handlerSpec } = await import('./helpers.js');
    const dir = await tmpDir('events');
    await fsp.writeFile(path.join(dir, 'a.json'), JSON.stringify({ n: 1 }));
    await fsp.writeFile(path.join(dir, 'b.json'), JSON.stringify({ module: 'vlib.unused_mod' }));
    const t = await tracePythonApp(APP1, handlerSpec('handler.handler'), [path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
    expect(t).toEqual({
      init: ['handler.py', 'heavy/__init__.py', 'pkg/__init__.py', 'pkg/sub/__init__.py', 'pkg/sub/mod.py', 'vendor/vlib/__init__.py', 'vendor/vlib/core.py'],
      perEvent: { 'a.json': [], 'b.json': ['vendor/vlib/unused_mod.py'] },
      errors: [],
    });
  });
});

describe('precompilePython (--precompile)', () => {
  test('unchecked-hash .pyc next to every module; a read-only package runs from them unchanged', async () => {
    const { precompilePython } = await import('../../src/lang/python/transform/precompile.js');
    const { optimizePythonApp: opt2 } = await import('./helpers.js');
    const o = await opt2(APP1, ['handler.handler']);
    precompilePython(o.out);
    const pyc = await fsp.readFile(path.join(o.out, 'heavy/__pycache__/__init__.cpython-311.pyc'));
    expect(pyc.readUInt32LE(4)).toBe(0b01); // hash-based, source not checked (PEP 552)
    await fsp.access(path.join(o.out, '.faaslight/__pycache__/_faaslight.cpython-311.pyc'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('chmod', ['-R', 'a-w', o.out]);
    try {
      const script = invokeScript('handler', 'handler', { n: 2 }, []);
      const { spawnSync } = await import('node:child_process');
      const { cleanEnv } = await import('../../src/util/env.js');
      const r = spawnSync('/usr/bin/python3', ['-S', '-c', script], {
        cwd: o.out,
        env: cleanEnv({ FAASLIGHT_FALLBACK_DIR: await tmpDir('mirror') }),
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).result).toEqual({ alias: 63, heavy: 42, lib: 5, same_module: true, submodule: 'mod-value', submodule_attr: true });
    } finally {
      execFileSync('chmod', ['-R', 'u+w', o.out]);
    }
  });
});

afterAll(cleanupTmp);
