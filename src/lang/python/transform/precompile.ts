import { spawnSync } from 'node:child_process';
import { FaaslightError } from '../../../diagnostics.js';
import { DEFAULT_PYTHON } from '../../../sandbox/python.js';
import { cleanEnv } from '../../../util/env.js';

/**
 * `--precompile`: writes `__pycache__/*.cpython-311.pyc` next to every module with unchecked-hash
 * invalidation (PEP 552), so the interpreter uses them without comparing source mtimes, and a read-only
 * task root (Lambda's /var/task) never needs to write them. The target interpreter must be the one
 * compiling (the magic number is per minor version).
 */
export function precompilePython(dir: string, python = DEFAULT_PYTHON): { files: number } {
  // The shim in .faaslight/ is compiled too: it is imported at every cold start.
  const r = spawnSync(python, ['-S', '-m', 'compileall', '-q', '-j', '1', '--invalidation-mode', 'unchecked-hash', dir], {
    env: cleanEnv(),
    encoding: 'utf8',
  });
  // compileall exits 1 when some file does not compile (Python 2 files in tests folders …): those keep no .pyc.
  if (r.error) throw new FaaslightError(`precompile: cannot run ${python}: ${r.error.message}`);
  return { files: (r.stdout.match(/\n/g) ?? []).length };
}
