// The Python interpreter handler children run under. It is a parameter everywhere in src/sandbox
// (`python` options); without one, pythonFor picks the target runtime's interpreter
// (src/sandbox/interpreter.ts: python3.X for pythonX.Y, never silently another minor).
import { spawnSync } from 'node:child_process';
import { runInterpreter } from './interpreter.js';
import type { HandlerSpec } from '../types.js';

/** The interpreter a Python handler runs under: the one matching its runtime id (else the legacy one, with FL505). */
export function pythonFor(handler: Pick<HandlerSpec, 'runtimeId'>): string {
  return runInterpreter(handler.runtimeId).path;
}

/** Debian's interpreter, always run with -S: only the package's own copies are importable, as on Lambda. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The interpreter's version ("3.11.2"), or undefined when it cannot be run. */
export function pythonVersion(python: string = DEFAULT_PYTHON): string | undefined {
  const r = spawnSync(python, ['-S', '-c', 'import sys; print(sys.version.split()[0])'], {
    encoding: 'utf8',
    timeout: 5000,
    env: { PATH: process.env.PATH ?? '' },
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
