// One-off scripts that load a package's code in a child of its own, synchronously: the code-cache
// maker (Node, with the runtime's flags, so V8 accepts the caches later) and the Python tracer. The
// environment is the sandbox's: nothing of the user's shell; Lambda's variables for the Node script.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cleanEnv } from '../util/env.js';
import { lambdaEnv } from './env.js';
import { DEFAULT_PYTHON } from './python.js';

export interface NodeScript {
  /** _HANDLER of the environment (the file being loaded). */
  handler: string;
  /** The runtime's Node flags (lambdaNodeFlags), before `-e`. */
  nodeFlags?: string[];
  /** Source run with `node -e`, and its arguments (process.argv[1] …). */
  source: string;
  args: string[];
  memoryMb?: number;
  timeoutMs: number;
}

/** Runs `source` with the task root as cwd; stdout is dropped (user code may print), stderr is kept. */
export function runNodeScript(taskRoot: string, s: NodeScript): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...(s.nodeFlags ?? []), '-e', s.source, ...s.args], {
    cwd: taskRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: s.timeoutMs,
    env: lambdaEnv({ taskRoot, handler: s.handler, memoryMb: s.memoryMb }),
  });
}

/** Runs `python -S -B <args>` in the task root (-B: nothing is written into the package). */
export function runPythonScript(taskRoot: string, s: { python?: string; args: string[]; timeoutMs: number }): SpawnSyncReturns<string> {
  return spawnSync(s.python ?? DEFAULT_PYTHON, ['-S', '-B', ...s.args], { cwd: taskRoot, env: cleanEnv(), encoding: 'utf8', timeout: s.timeoutMs });
}
