// Opt-in measurement (FL_MEASURE=1): cold starts of fresh `python3 -S -B` processes, original and
// optimized, with and without precompiled unchecked-hash .pyc. Prints figures; asserts only that runs succeed.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { measureColdStarts, pycVariants } from '../../src/lang/python/transform/precompile.js';
import { optimizePythonApp, tmpDir, cleanupTmp } from './helpers.js';

describe.skipIf(!process.env.FL_MEASURE)('measure cold starts (FL_MEASURE=1)', () => {
  test('numpy+pandas(+sklearn) handlers, median of interleaved fresh processes', async () => {
    const app = await tmpDir('measure');
    for (const f of ['handler.py', 'handler_np.py']) await fsp.copyFile(path.resolve('fixtures/python/sci', f), path.join(app, f));
    execFileSync('node', [path.resolve('scripts/vendor-python.mjs'), app, 'python3-numpy', 'python3-pandas', 'python3-sklearn', '--into', 'vendor'], { stdio: 'pipe' });
    const runs = Number(process.env.FL_MEASURE_RUNS ?? 11);
    const opt = await optimizePythonApp(app, ['handler.handler', 'handler_np.handler']);
    const o = await pycVariants(app);
    const p = await pycVariants(opt.out);
    const variants = { 'original source': o.source, 'original pyc': o.pyc, 'optimized source': p.source, 'optimized pyc': p.pyc };
    const rows: Record<string, unknown> = { runs };
    for (const [name, handler, event, initOnly] of [
      ['np+pd handler (uses both at init), init + 1 call', 'handler_np.handler', { k: 3 }, false],
      ['np+pd+sklearn handler (all lazy), init only', 'handler.handler', {}, true],
      ['np+pd+sklearn handler (all lazy), init + 1 call', 'handler.handler', { x: [1, 2, 3] }, false],
    ] as const) {
      const m = measureColdStarts(variants, handler, event, runs, { initOnly, mirror: await tmpDir('mirror') });
      rows[name] = m.medians;
      expect(Object.keys(m.medians)).toHaveLength(4);
    }
    console.log(JSON.stringify(rows, null, 1));
    for (const v of [o, p]) await fsp.rm(v.base, { recursive: true, force: true });
  }, 1_800_000);
});

afterAll(cleanupTmp);
