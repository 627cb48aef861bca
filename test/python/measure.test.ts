// Opt-in measurement (FL_MEASURE=1): cold starts through the shared measurer (measure/coldstart: a fresh
// task root and a `python3 -S -B` runtime against the local Runtime API per run), original and optimized,
// with and without precompiled unchecked-hash .pyc. Prints figures; asserts only that runs succeed.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { coldStart } from '../../src/measure/coldstart.js';
import { median } from '../../src/measure/stats.js';
import { precompilePython } from '../../src/lang/python/transform/precompile.js';
import { prepareLimits } from '../../src/sandbox/index.js';
import { handlerSpec, optimizePythonApp, tmpDir, cleanupTmp } from './helpers.js';

/** Copies of `dir` without and with precompiled .pyc. */
async function pycVariants(dir: string): Promise<{ source: string; pyc: string }> {
  const base = await tmpDir('pyc');
  const source = path.join(base, 'source');
  const pyc = path.join(base, 'pyc');
  await fsp.cp(dir, source, { recursive: true, filter: (f) => !f.includes('__pycache__') });
  await fsp.cp(source, pyc, { recursive: true });
  precompilePython(pyc);
  return { source, pyc };
}

describe.skipIf(!process.env.FL_MEASURE)('measure cold starts (FL_MEASURE=1)', () => {
  test('numpy+pandas(+sklearn) handlers, median of interleaved fresh instances', async () => {
    const app = await tmpDir('measure');
    for (const f of ['handler.py', 'handler_np.py']) await fsp.copyFile(path.resolve('fixtures/python/sci', f), path.join(app, f));
    execFileSync('node', [path.resolve('scripts/vendor-python.mjs'), app, 'python3-numpy', 'python3-pandas', 'python3-sklearn', '--into', 'vendor'], {
      stdio: 'pipe',
    });
    const runs = Number(process.env.FL_MEASURE_RUNS ?? 11);
    const opt = await optimizePythonApp(app, ['handler.handler', 'handler_np.handler']);
    const o = await pycVariants(app);
    const p = await pycVariants(opt.out);
    const variants = { 'original source': o.source, 'original pyc': o.pyc, 'optimized source': p.source, 'optimized pyc': p.pyc };
    const rows: Record<string, unknown> = { runs };
    const limits = prepareLimits({});
    try {
      for (const [name, handler, event, initOnly] of [
        ['np+pd handler (uses both at init), init + 1 call', 'handler_np.handler', { k: 3 }, false],
        // Init only: the call still happens (a cold start is an invoke), only its init time is read.
        ['np+pd+sklearn handler (all lazy), init only', 'handler.handler', { x: [1, 2, 3] }, true],
        ['np+pd+sklearn handler (all lazy), init + 1 call', 'handler.handler', { x: [1, 2, 3] }, false],
      ] as const) {
        const env = { FAASLIGHT_FALLBACK_DIR: await tmpDir('mirror') };
        const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
        // One warm-up round, then the variants interleaved run by run so machine noise hits all alike.
        for (let run = -1; run < runs; run++) {
          for (const [k, dir] of Object.entries(variants)) {
            const r = await coldStart(dir, handlerSpec(handler), event, { limits, env, warm: false, run });
            expect(r.error).toBeUndefined();
            if (run >= 0) samples[k].push((initOnly ? r.initMs : r.e2eMs)!);
          }
        }
        rows[name] = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
        expect(Object.keys(rows[name] as object)).toHaveLength(4);
      }
    } finally {
      limits.dispose();
    }
    console.log(JSON.stringify(rows, null, 1));
  }, 1_800_000);
});

afterAll(cleanupTmp);
