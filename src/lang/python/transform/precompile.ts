import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaaslightError } from '../../../diagnostics.js';
import { cleanEnv } from '../../../util/env.js';

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

export interface ColdStartMeasurement {
  runs: number;
  /** Median wall time (ms) per variant of a fresh `python3 -S -B` process importing the handler (and calling it once). */
  medians: Record<string, number>;
  samples: Record<string, number[]>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// A small Python parent times the children: spawning from a large Node process costs a fork of its
// heap (tens of ms), which would swamp the figures.
const DRIVER = `
import json, subprocess, sys, time
dirs, code, runs, env = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
def once(d):
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-S", "-B", "-c", code], cwd=d, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = (time.perf_counter() - t) * 1000
    if r.returncode:
        sys.exit("run failed in %s: %s" % (d, r.stderr.decode()[-400:]))
    return dt
for d in dirs.values():
    once(d)
samples = {k: [] for k in dirs}
for _ in range(runs):
    for k, d in dirs.items():
        samples[k].append(once(d))
print(json.dumps(samples))
`;

/**
 * Cold starts of several package variants (same handler), interleaved run by run so machine noise
 * hits all alike; `-B` stands in for a read-only task root (nothing is written back).
 */
export function measureColdStarts(
  variants: Record<string, string>,
  handler: string,
  event: unknown,
  runs = 10,
  opts: { initOnly?: boolean; python?: string; mirror?: string } = {},
): ColdStartMeasurement {
  const python = opts.python ?? '/usr/bin/python3';
  const i = handler.lastIndexOf('.');
  const call = opts.initOnly ? '' : `; h.${handler.slice(i + 1)}(json.loads(${JSON.stringify(JSON.stringify(event))}), None)`;
  const code = `import json, sys; sys.path.insert(0, '.'); import ${handler.slice(0, i)} as h${call}`;
  const env = cleanEnv(opts.mirror ? { FAASLIGHT_FALLBACK_DIR: opts.mirror } : {});
  const r = spawnSync(python, ['-S', '-c', DRIVER, JSON.stringify(variants), code, String(runs), JSON.stringify(env)], { env, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new FaaslightError(`measurement failed: ${r.stderr.trim().split('\n').pop()}`);
  const samples = JSON.parse(r.stdout) as Record<string, number[]>;
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  return { runs, medians, samples };
}

/** Copies of `dir` without and with precompiled .pyc (the copies live under a temp folder the caller removes). */
export async function pycVariants(dir: string, python = '/usr/bin/python3'): Promise<{ source: string; pyc: string; base: string }> {
  const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'fl-pyc-'));
  const source = path.join(base, 'source');
  const pyc = path.join(base, 'pyc');
  await fsp.cp(dir, source, { recursive: true, filter: (f) => !f.includes('__pycache__') });
  await fsp.cp(source, pyc, { recursive: true });
  precompilePython(pyc, python);
  return { source, pyc, base };
}
