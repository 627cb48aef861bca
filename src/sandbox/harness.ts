// One handler, one event, one fresh process: the harness run that verify and trace use (runtime/node/invoke.cjs,
// runtime/python/invoke.py). The handler's outcome comes back on a result line of stdout.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { HandlerSpec, InvokeOutcome } from '../types.js';
import { lambdaEnv } from './env.js';
import { lambdaNodeFlags } from './launch.js';
import { pythonFor } from './python.js';
import { runtimeFile } from './runtime-files.js';

export const RESULT_PREFIX = '__FAASLIGHT_RESULT__';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Error names the harness itself uses: such an outcome is never "identical" to anything. */
export const HARNESS_ERROR = 'FaaslightHarnessError';
export const TIMEOUT_ERROR = 'FaaslightTimeout';

export interface RunOptions {
  timeoutMs?: number;
  /** Extra node options placed before the harness (e.g. `-r trace-hook.cjs`); Node handlers only. */
  nodeArgs?: string[];
  /** Extra environment variables on top of the clean Lambda-like environment. */
  env?: Record<string, string>;
  /** Interpreter of a Python handler (run with -S; default: the target's, sandbox/python.ts pythonFor). */
  python?: string;
}

export interface HarnessOutcome extends InvokeOutcome {
  /** 'init' when loading the handler module failed. */
  phase?: 'init' | 'invoke';
  /** User log lines (stdout without the result line). */
  stdout?: string;
  exitCode?: number | null;
}

/** The command that runs one handler once; the runtime picks the harness. */
export function harnessCommand(
  taskRoot: string,
  handler: HandlerSpec,
  eventFile: string,
  nodeArgs: string[] = [],
  python?: string,
): { command: string; args: string[] } {
  if (handler.runtime === 'python') {
    return {
      command: python ?? pythonFor(handler),
      args: ['-S', runtimeFile('python/invoke.py'), taskRoot, handler.handler, eventFile, '--style', handler.style],
    };
  }
  const args = [...lambdaNodeFlags(handler), ...nodeArgs, runtimeFile('node/invoke.cjs'), taskRoot, handler.handler, eventFile, '--style', handler.style];
  // GCF names its file (package.json main) rather than a Lambda handler string.
  if (handler.style === 'gcf') args.push('--file', handler.file);
  return { command: process.execPath, args };
}

/**
 * Runs a handler once in a fresh process with a clean Lambda-like environment (never the user's
 * NODE_OPTIONS) and returns its outcome. A process that times out is killed with its children.
 */
export function runHandler(taskRoot: string, handler: HandlerSpec, eventFile: string, opts: RunOptions = {}): Promise<HarnessOutcome> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const root = path.resolve(taskRoot);
  const { command, args } = harnessCommand(root, handler, path.resolve(eventFile), opts.nodeArgs, opts.python);
  const env = lambdaEnv({
    taskRoot: root,
    handler: handler.handler,
    functionName: handler.functionName,
    runtimeId: handler.runtimeId,
    extra: {
      FAASLIGHT_TIMEOUT_MS: String(timeoutMs),
      // Verification must not write __pycache__ into the packages it compares.
      PYTHONDONTWRITEBYTECODE: handler.runtime === 'python' ? '1' : undefined,
      ...opts.env,
    },
  });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    const settle = (exitCode: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const durationMs = Math.round(performance.now() - t0);
      const base = { stderr, durationMs, exitCode };
      if (timedOut) {
        return resolve({
          ok: false,
          output: null,
          error: { name: TIMEOUT_ERROR, message: `${handler.handler} did not finish within ${timeoutMs} ms; process killed` },
          stdout,
          ...base,
        });
      }
      const parsed = parseResult(stdout);
      if (!parsed) {
        const why = spawnError ? `could not start ${command}: ${spawnError.message}` : `process exited with code ${exitCode} without a result`;
        return resolve({
          ok: false,
          output: null,
          error: { name: HARNESS_ERROR, message: `${why}${lastLines(stderr)}` },
          stdout,
          ...base,
        });
      }
      resolve({ ...parsed.outcome, stdout: parsed.logs, ...base });
    };
    child.on('error', (e) => settle(null, e));
    child.on('close', (code) => settle(code));
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function lastLines(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').slice(-5).join('\n');
  return lines ? `; stderr: ${lines}` : '';
}

/** Finds the harness's result line; everything else on stdout is the user's logs. */
export function parseResult(stdout: string): { outcome: HarnessOutcome; logs: string } | undefined {
  const at = stdout.lastIndexOf(RESULT_PREFIX);
  if (at < 0) return undefined;
  const end = stdout.indexOf('\n', at);
  const json = stdout.slice(at + RESULT_PREFIX.length, end < 0 ? undefined : end);
  let raw: { ok?: unknown; output?: unknown; error?: { name?: unknown; message?: unknown }; phase?: unknown; loadedAtInvoke?: unknown };
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const outcome: HarnessOutcome = { ok: raw.ok === true, output: raw.output ?? null };
  if (raw.error) outcome.error = { name: String(raw.error.name), message: String(raw.error.message) };
  if (raw.phase === 'init' || raw.phase === 'invoke') outcome.phase = raw.phase;
  if (Array.isArray(raw.loadedAtInvoke)) outcome.loadedAtInvoke = raw.loadedAtInvoke.map(String);
  return { outcome, logs: stdout.slice(0, at) + (end < 0 ? '' : stdout.slice(end + 1)) };
}
