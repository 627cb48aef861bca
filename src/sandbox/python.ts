// The Python interpreter handler children run under. It is a parameter everywhere in src/sandbox
// (`python` options); this is the one default. Target-interpreter selection (the deployment's
// python3.x) is to come in src/lang/python/interpreter.ts and will pass its choice in through those
// options, or replace this default.
import { spawnSync } from 'node:child_process';

/** Debian's interpreter, always run with -S: only the package's own copies are importable, as on Lambda. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The interpreter's version ("3.11.2"), or undefined when it cannot be run. */
export function pythonVersion(python: string = DEFAULT_PYTHON): string | undefined {
  const r = spawnSync(python, ['-S', '-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8', timeout: 5000, env: { PATH: process.env.PATH ?? '' } });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
