// The target interpreter: the Python that matches the runtime id a function deploys to (python3.11 →
// a CPython 3.11). Byte code, traces and verification are only valid for the minor version that made
// them (the .pyc magic number, the standard library, C extension ABI tags all change per minor), so
// the interpreter is looked up by that minor, never by whatever `python3` happens to be.
//
// Order: an explicitly configured interpreter (option, then $FAASLIGHT_PYTHON), then `python3.X` in
// each PATH folder, then `python3` in each PATH folder; every candidate is run once to read its real
// version, so a name alone (a `python3.12` pyenv shim with no 3.12 behind it, a symlink to another
// minor) never counts as a match. A configured interpreter of the wrong minor is a mismatch: it is
// never silently replaced by another one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { diag, FaaslightError } from '../diagnostics.js';
import type { Diagnostic } from '../types.js';

export const PYTHON_ENV_VAR = 'FAASLIGHT_PYTHON';
/** What ran Python before the target was known; still used when the runtime id names no version. */
export const LEGACY_PYTHON = '/usr/bin/python3';

export interface PythonVersion {
  major: number;
  minor: number;
}

export interface Interpreter {
  /** The real executable (sys.executable): a pyenv shim resolves to the binary behind it. */
  path: string;
  /** What was asked for: a configured path or a name found on PATH. */
  command: string;
  version: string;
  major: number;
  minor: number;
  /** importlib.util.MAGIC_NUMBER as hex: what a .pyc written by it starts with. */
  magic: string;
  via: 'option' | 'env' | 'path' | 'legacy';
}

export interface Resolution {
  /** The minor the runtime id names; undefined when it names none (no descriptor, a custom runtime). */
  target?: PythonVersion;
  /** The matching interpreter, or (target unknown) the configured / legacy one. */
  interpreter?: Interpreter;
  /** Every candidate looked at, with what it turned out to be: the text of a mismatch message. */
  tried: string[];
}

export interface LookupOptions {
  /** An interpreter given explicitly (CLI option or config); wins over the environment. */
  configured?: string;
  /** Environment to read PATH and $FAASLIGHT_PYTHON from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** `python3.11` → 3.11; anything else (nodejs20.x, python3, provided.al2) → undefined. */
export function targetVersion(runtimeId: string | undefined): PythonVersion | undefined {
  const m = /^python(\d+)\.(\d+)$/i.exec(runtimeId ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

const PROBE =
  'import sys, importlib.util\n' + 'print(sys.executable)\n' + 'print("%d.%d.%d" % sys.version_info[:3])\n' + 'print(importlib.util.MAGIC_NUMBER.hex())';

const probes = new Map<string, Omit<Interpreter, 'via' | 'command'> | string>();

/** Runs `command -S -c …` once (cached per command): the interpreter, or why it could not be used. */
export function probeInterpreter(command: string, env: Record<string, string | undefined> = process.env): Omit<Interpreter, 'via' | 'command'> | string {
  const cached = probes.get(command);
  if (cached !== undefined) return cached;
  // PATH and pyenv's variables pass through so that a shim can find its version; nothing else does.
  const probeEnv: Record<string, string> = { LANG: 'C.UTF-8' };
  for (const k of ['PATH', 'HOME', 'PYENV_ROOT', 'PYENV_VERSION']) if (env[k] !== undefined) probeEnv[k] = env[k]!;
  const r = spawnSync(command, ['-S', '-c', PROBE], { encoding: 'utf8', env: probeEnv, timeout: 20_000 });
  let result: Omit<Interpreter, 'via' | 'command'> | string;
  if (r.error) result = `cannot run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  else if (r.status !== 0) result = `exits ${r.status}${r.stderr ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`;
  else {
    const [exe, version, magic] = r.stdout.trim().split('\n');
    const [major, minor] = (version ?? '').split('.').map(Number);
    result = exe && magic && Number.isInteger(minor) ? { path: exe, version, major, minor, magic } : `prints no version (${r.stdout.trim().slice(0, 80)})`;
  }
  probes.set(command, result);
  return result;
}

function describe(command: string, p: ReturnType<typeof probeInterpreter>): string {
  return typeof p === 'string' ? `${command}: ${p}` : `${command}: Python ${p.version}`;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Looks up the interpreter for a runtime id; see the header for the order. */
export function resolveInterpreter(runtimeId: string | undefined, opts: LookupOptions = {}): Resolution {
  const env = opts.env ?? process.env;
  const target = targetVersion(runtimeId);
  const tried: string[] = [];
  const matches = (p: ReturnType<typeof probeInterpreter>): p is Omit<Interpreter, 'via' | 'command'> =>
    typeof p !== 'string' && (!target || (p.major === target.major && p.minor === target.minor));

  const configured = opts.configured
    ? { command: opts.configured, via: 'option' as const }
    : env[PYTHON_ENV_VAR]
      ? { command: env[PYTHON_ENV_VAR]!, via: 'env' as const }
      : undefined;
  if (configured) {
    const p = probeInterpreter(configured.command, env);
    const label = configured.via === 'env' ? `${PYTHON_ENV_VAR}=${configured.command}` : configured.command;
    tried.push(describe(label, p));
    return { target, tried, interpreter: matches(p) ? { ...p, command: configured.command, via: configured.via } : undefined };
  }
  if (!target) {
    const p = probeInterpreter(LEGACY_PYTHON, env);
    tried.push(describe(LEGACY_PYTHON, p));
    return { target, tried, interpreter: typeof p === 'string' ? undefined : { ...p, command: LEGACY_PYTHON, via: 'legacy' } };
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of [`python${target.major}.${target.minor}`, `python${target.major}`]) {
    let seen = false;
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (!isExecutable(file)) continue;
      seen = true;
      const p = probeInterpreter(file, env);
      tried.push(describe(file, p));
      if (matches(p)) return { target, tried, interpreter: { ...p, command: file, via: 'path' } };
    }
    if (!seen) tried.push(`${name}: not on PATH`);
  }
  return { target, tried };
}

function wanted(runtimeId: string | undefined, r: Resolution): string {
  return r.target ? `${runtimeId} needs a Python ${r.target.major}.${r.target.minor} interpreter` : `${runtimeId ?? 'the runtime'} needs a Python interpreter`;
}

/**
 * The interpreter that writes byte code for `runtimeId`. Throws when none matches: a .pyc of another
 * minor carries another magic number, and the target interpreter would ignore it (or, unchecked, run
 * byte code its own compiler would not have produced).
 */
export function pycInterpreter(runtimeId: string | undefined, opts: LookupOptions = {}): Interpreter {
  const r = resolveInterpreter(runtimeId, opts);
  if (r.interpreter) return r.interpreter;
  throw new FaaslightError(
    `precompile refused: ${wanted(runtimeId, r)} to write its byte code, and none matches (${r.tried.join('; ')}). ` +
      `Install it, point ${PYTHON_ENV_VAR} at it, or leave out --precompile.`,
  );
}

export interface RunInterpreter {
  path: string;
  /** Set when no interpreter matches and `path` is another minor: say so wherever its results are shown. */
  mismatch?: string;
}

const runCache = new Map<string, RunInterpreter>();

/**
 * The interpreter that runs handlers (verify, trace, measure): the matching one, else, so that the run
 * still happens, the configured or legacy interpreter with a `mismatch` text naming both versions.
 */
export function runInterpreter(runtimeId: string | undefined, opts: LookupOptions = {}): RunInterpreter {
  const env = opts.env ?? process.env;
  const key = `${runtimeId}\0${opts.configured ?? ''}\0${env[PYTHON_ENV_VAR] ?? ''}\0${env.PATH ?? ''}`;
  const hit = runCache.get(key);
  if (hit) return hit;
  const r = resolveInterpreter(runtimeId, opts);
  let out: RunInterpreter;
  if (r.interpreter) out = { path: r.interpreter.path };
  else {
    const command = opts.configured ?? env[PYTHON_ENV_VAR] ?? LEGACY_PYTHON;
    const p = probeInterpreter(command, env);
    const ran = typeof p === 'string' ? `${command} (${p})` : `Python ${p.version} (${command})`;
    out = { path: typeof p === 'string' ? command : p.path, mismatch: `${wanted(runtimeId, r)}, none matches (${r.tried.join('; ')}); ran on ${ran} instead` };
  }
  runCache.set(key, out);
  return out;
}

/** FL505 for each distinct Python runtime id whose handlers ran on another interpreter. */
export function interpreterDiagnostics(handlers: { runtime: string; runtimeId?: string }[], opts: LookupOptions = {}): Diagnostic[] {
  const ids = [...new Set(handlers.filter((h) => h.runtime === 'python').map((h) => h.runtimeId))];
  return ids.flatMap((id) => {
    const m = runInterpreter(id, opts).mismatch;
    return m
      ? [diag('FL505', 'warning', `verify ran on another Python than the target: ${m}`, { note: `install the target's interpreter or set ${PYTHON_ENV_VAR}` })]
      : [];
  });
}
