// The CLI on corpus app App13 (scripts/test-setup.mjs sets it up; numpy 2 from its PyPI wheel in the
// default pip layout, Debian's numpy 1.24 in the Debian layout): optimize --verify on every event of the
// app plus probe events that load, through a second handler, a stubbed numpy function and a module that
// is stripped (Debian) or, in the wheel, kept because numpy is kept whole; outputs equal expected/.
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OptimizeSummary } from '../../src/report/summary.js';
import { cleanupTmp, tmpDir } from '../python/helpers.js';
import { copyApp, invoke, loadedModules, optimizeJson, ROOT, vendored } from './python-helpers.js';

const PROBE = `import importlib


def handler(event, context):
    if "module" not in event:
        return None
    mod = importlib.import_module(event["module"])
    out = {"module": mod.__name__}
    if "call" in event:
        out["result"] = repr(getattr(mod, event["call"])(*event.get("args", [])))
    return out
`;

const LAYOUT: string | undefined = vendored('App13')
  ? (JSON.parse(fs.readFileSync(path.join(ROOT, 'apps/App13/.faaslight-vendor.json'), 'utf8')).layout ?? 'debian')
  : undefined;
const WHEEL = LAYOUT === 'pip';
// numpy 2 moved numpy.core to numpy._core (numpy/core is a shim of __getattr__ forwarders).
const NUMERIC = WHEEL ? 'numpy/_core/numeric.py' : 'numpy/core/numeric.py';
// Debian vendors pkg_resources with numpy's dependencies; the wheel has no such thing, and its
// numpy/core/__init__.py imports a computed name, so every numpy module stays (f2py included).
const STRIPPED_PROBE = WHEEL ? { module: 'numpy.f2py.symbolic' } : { module: 'pkg_resources._vendor.packaging.version', call: 'Version', args: ['1.2.3'] };

describe.skipIf(!LAYOUT)(`optimize App13 (${WHEEL ? "numpy's PyPI wheel" : 'vendored Debian numpy'}) through the CLI`, () => {
  let base: string;
  let app: string;
  let out: string;
  let s: OptimizeSummary;
  beforeAll(async () => {
    base = await tmpDir('e2e-numpy');
    app = await copyApp('App13', path.join(base, 'App13'));
    await fsp.writeFile(path.join(app, 'probe.py'), PROBE);
    const events = path.join(base, 'events');
    await fsp.cp(path.join(app, 'events'), events, { recursive: true });
    await fsp.writeFile(
      path.join(events, 'probe-stub.json'),
      JSON.stringify({ module: NUMERIC.replace(/\.py$/, '').replace(/\//g, '.'), call: '_maketup', args: ['f8, i4', 3] }),
    );
    await fsp.writeFile(path.join(events, 'probe-stripped.json'), JSON.stringify(STRIPPED_PROBE));
    out = path.join(base, 'App13.opt');
    s = await optimizeJson([
      app,
      '--handler',
      'lambda_function.lambda_handler',
      '--handler',
      'probe.handler',
      '--out',
      out,
      '--verify',
      path.join(events, '*.json'),
    ]);
  }, 600_000);

  test('every handler × event gives the same outcome; the probes load a stub and a stripped module with a logged line', () => {
    expect(s.app.runtime).toBe('python');
    const loads = s.verify!.events.find((e) => e.handler === 'probe.handler' && e.event === 'probe-stripped.json')!.fallbackLoads;
    expect(s.verify!.events.map((e) => [e.handler, e.event, e.identical, e.fallbackLoads])).toEqual([
      ['lambda_function.lambda_handler', 'loops.json', true, []],
      ['lambda_function.lambda_handler', 'probe-stripped.json', true, []],
      ['lambda_function.lambda_handler', 'probe-stub.json', true, []],
      ['lambda_function.lambda_handler', 'selftest.json', true, []],
      ['probe.handler', 'loops.json', true, []],
      ['probe.handler', 'probe-stripped.json', true, loads],
      ['probe.handler', 'probe-stub.json', true, [NUMERIC]],
      ['probe.handler', 'selftest.json', true, []],
    ]);
    expect(s.verify!.ok).toBe(true);
    // The probes rely on this function being stubbed: say so if the analysis changes.
    expect(fs.readFileSync(path.join(out, NUMERIC), 'utf8')).toContain('_fl_S.load("_maketup"');
    if (WHEEL) {
      // The wheel's numpy/core/__init__.py: `__import__(module, fromlist=[name])` in its forwarders.
      expect(s.diagnostics.filter((d) => d.id === 'FL103').map((d) => `${d.file}:${d.line}`)).toContain('numpy/core/__init__.py:18');
      expect(loads).toEqual([]);
      expect(fs.existsSync(path.join(out, 'numpy/f2py/symbolic.py'))).toBe(true);
    } else {
      // pkg_resources (vendored with numpy's Debian dependencies) is never imported by the handler: stripped,
      // and restored module by module when the probe imports it.
      expect(loads[0]).toBe('pkg_resources/__init__.py');
      expect(loads).toContain('pkg_resources/_vendor/packaging/version.py');
      expect(fs.existsSync(path.join(out, 'pkg_resources'))).toBe(false);
    }
  });

  test('fewer files (Debian; the wheel keeps numpy whole); numpy is lazy in the handler and loads for real at the first event', () => {
    const p = s.package!;
    // Wheel: nothing of numpy is stripped and the stubs' lazily loaded bodies make the zip larger, not smaller.
    if (!WHEEL) expect(p.after.files).toBeLessThan(p.before.files);
    const lazy = s.heaviestLazy.filter((l) => l.file === 'lambda_function.py');
    expect(lazy.map((l) => [l.specifier, l.mechanism])).toEqual([['numpy', 'stand-in']]);
    const event = JSON.parse(fs.readFileSync(path.join(app, 'events/selftest.json'), 'utf8'));
    const mirror = path.join(base, 'mirror');
    expect(loadedModules(app, 'lambda_function', 'lambda_handler', event, ['numpy', 'numpy.testing'], mirror)).toEqual({
      init: ['numpy'],
      after: ['numpy', 'numpy.testing'],
    });
    expect(loadedModules(out, 'lambda_function', 'lambda_handler', event, ['numpy', 'numpy.testing'], mirror)).toEqual({
      init: [],
      after: ['numpy', 'numpy.testing'],
    });
  }, 120_000);

  test('optimized outputs equal the committed expected outputs (harness run with a relative task root)', () => {
    for (const ev of ['loops', 'selftest']) {
      const expected = JSON.parse(fs.readFileSync(path.join(ROOT, 'apps/App13/expected', `${ev}.json`), 'utf8'));
      const r = invoke(path.relative(base, out), 'lambda_function.lambda_handler', path.join(app, 'events', `${ev}.json`), base);
      expect({ ok: r.ok, output: r.output }).toEqual(expected);
    }
  }, 120_000);

  test('the input folder is never written', () => {
    expect(fs.existsSync(path.join(app, '.faaslight'))).toBe(false);
    expect(fs.readFileSync(path.join(app, 'lambda_function.py'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'apps/App13/lambda_function.py'), 'utf8'));
  });
});

afterAll(cleanupTmp);
