import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaaslightError } from '../../diagnostics.js';
import { cleanEnv } from '../../util/env.js';

/**
 * `--precompile`: writes `__pycache__/*.cpython-311.pyc` next to every module with unchecked-hash
 * invalidation (PEP 552), so the interpreter uses them without comparing source mtimes, and a read-only
 * task root (Lambda's /var/task) never needs to write them. The target interpreter must be the one
 * compiling (the magic number is per minor version).
 */
export function precompilePython(dir: string, python = '/usr/bin/python3'): { files: number } {
  // The shim in .faaslight/ is compiled too: it is imported at every cold start.
  const r = spawnSync(python, ['-S', '-m', 'compileall', '-q', '-j', '1', '--invalidation-mode', 'unchecked-hash', dir], {
    env: cleanEnv(),
    encoding: 'utf8',
  });
  // compileall exits 1 when some file does not compile (Python 2 files in tests folders …): those keep no .pyc.
  if (r.error) throw new FaaslightError(`precompile: cannot run ${python}: ${r.error.message}`);
  return { files: (r.stdout.match(/\n/g) ?? []).length };
}

export interface PycMeasurement {
  runs: number;
  /** Median wall time (ms) of a fresh `python3 -S -B` process importing the handler module and calling it once. */
  sourceMs: number;
  pycMs: number;
  samples: { source: number[]; pyc: number[] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Cold start with and without precompiled unchecked-hash .pyc: two copies of `dir`, one precompiled;
 * fresh processes alternate between them (interleaved, so machine noise hits both alike). `-B` stands in
 * for a read-only task root (nothing is written back).
 */
export async function measurePyc(dir: string, handler: string, event: unknown, runs = 10, python = '/usr/bin/python3', opts: { initOnly?: boolean } = {}): Promise<PycMeasurement> {
  const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'fl-pyc-'));
  const src = path.join(base, 'source');
  const pyc = path.join(base, 'pyc');
  await fsp.cp(dir, src, { recursive: true, filter: (f) => !f.includes('__pycache__') });
  await fsp.cp(src, pyc, { recursive: true });
  precompilePython(pyc, python);
  const i = handler.lastIndexOf('.');
  const call = opts.initOnly ? '' : `; h.${handler.slice(i + 1)}(json.loads(${JSON.stringify(JSON.stringify(event))}), None)`;
  const code = `import json, sys; sys.path.insert(0, '.'); import ${handler.slice(0, i)} as h${call}`;
  const run = (cwd: string) => {
    const t0 = performance.now();
    const r = spawnSync(python, ['-S', '-B', '-c', code], { cwd, env: cleanEnv({ FAASLIGHT_FALLBACK_DIR: path.join(base, 'mirror') }), encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new FaaslightError(`measurement run failed in ${cwd}: ${r.stderr.trim().split('\n').pop()}`);
    return ms;
  };
  run(src);
  run(pyc); // warm the OS file cache for both copies alike
  const samples = { source: [] as number[], pyc: [] as number[] };
  for (let k = 0; k < runs; k++) {
    samples.source.push(run(src));
    samples.pyc.push(run(pyc));
  }
  await fsp.rm(base, { recursive: true, force: true });
  return { runs, sourceMs: Math.round(median(samples.source) * 10) / 10, pycMs: Math.round(median(samples.pyc) * 10) / 10, samples };
}
