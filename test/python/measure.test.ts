// Opt-in measurement (FL_MEASURE=1): cold start of the numpy+pandas handler, original and optimized,
// with and without precompiled unchecked-hash .pyc. Prints figures; asserts only that runs succeed.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { measurePyc } from '../../src/transform/python/precompile.js';
import { optimizePythonApp, tmpDir } from './helpers.js';

describe.skipIf(!process.env.FL_MEASURE)('measure .pyc cold start (FL_MEASURE=1)', () => {
  test('numpy+pandas handler, median of interleaved fresh processes', async () => {
    const app = await tmpDir('measure');
    await fsp.copyFile(path.resolve('fixtures/python/sci/handler_np.py'), path.join(app, 'handler_np.py'));
    execFileSync('node', [path.resolve('scripts/vendor-python.mjs'), app, 'python3-numpy', 'python3-pandas', '--into', 'vendor'], { stdio: 'pipe' });
    const runs = Number(process.env.FL_MEASURE_RUNS ?? 11);
    const original = await measurePyc(app, 'handler_np.handler', { k: 3 }, runs);
    const opt = await optimizePythonApp(app, ['handler_np.handler']);
    const optimized = await measurePyc(opt.out, 'handler_np.handler', { k: 3 }, runs);
    console.log(JSON.stringify({ runs, original: { source: original.sourceMs, pyc: original.pycMs }, optimized: { source: optimized.sourceMs, pyc: optimized.pycMs } }));
    expect(original.sourceMs).toBeGreaterThan(0);
  }, 900_000);
});
