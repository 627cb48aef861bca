// Shared by the Python end-to-end tests: the CLI as a child process, the verify harness run directly,
// and the corpus apps' vendored state (scripts/test-setup.mjs vendors App3, App4, App13).
import { execFile, spawnSync } from 'node:child_process';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from '../../src/util/env.js';
import type { OptimizeSummary } from '../../src/report/summary.js';
import { skipWithout } from '../prereq.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'bin/faaslight.js');
export const PY = '/usr/bin/python3';

export function vendored(app: string): boolean {
  return !skipWithout(fs.existsSync(path.join(ROOT, 'apps', app, '.faaslight-vendor.json')), `${app} vendored (node scripts/corpus/python.mjs --only ${app})`);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI in a child process (async, so parallel test files share the two cores fairly); `env` overrides the clean environment (PATH …). */
export function cli(args: string[], cwd = ROOT, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** `optimize … --json`, failing loudly with the CLI's stderr when it does not exit 0. */
export async function optimizeJson(args: string[]): Promise<OptimizeSummary> {
  const r = await cli(['optimize', ...args, '--json']);
  if (r.code !== 0) throw new Error(`faaslight optimize exited ${r.code}\n${r.stderr.slice(-3000)}\n${r.stdout.slice(0, 3000)}`);
  return JSON.parse(r.stdout) as OptimizeSummary;
}

/** Copy of a corpus app without its byte-code caches (stale once copied anyway: their mtimes differ). */
export async function copyApp(app: string, dest: string): Promise<string> {
  await fsp.cp(path.join(ROOT, 'apps', app), dest, { recursive: true, filter: (f) => !f.includes('__pycache__') });
  return dest;
}

/** Runs runtime/python/invoke.py once (relative paths resolve against `cwd`); returns its result line. */
export function invoke(
  taskRoot: string,
  handler: string,
  event: string,
  cwd: string,
  env: Record<string, string> = {},
): { ok: boolean; output?: unknown; error?: unknown; stderr: string } {
  const r = spawnSync(PY, ['-S', '-B', path.join(ROOT, 'runtime/python/invoke.py'), taskRoot, handler, event], {
    cwd,
    env: cleanEnv(env),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('__FAASLIGHT_RESULT__'));
  if (!line) throw new Error(`invoke.py gave no result (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const res = JSON.parse(line.slice('__FAASLIGHT_RESULT__'.length));
  return { ok: res.ok, output: res.output, ...(res.error ? { error: res.error } : {}), stderr: r.stderr };
}

/** Modules of `watch` loaded after importing the handler module, and after one call. */
export function loadedModules(dir: string, module: string, fn: string, event: unknown, watch: string[], mirror: string): { init: string[]; after: string[] } {
  const code = [
    'import json, sys',
    "sys.path.insert(0, '.')",
    `import ${module} as h`,
    `w = ${JSON.stringify(watch)}`,
    'init = [m for m in w if m in sys.modules]',
    `h.${fn}(json.loads(${JSON.stringify(JSON.stringify(event))}), None)`,
    "print(json.dumps({'init': init, 'after': [m for m in w if m in sys.modules]}))",
  ].join('\n');
  const r = spawnSync(PY, ['-S', '-B', '-c', code], { cwd: dir, env: cleanEnv({ FAASLIGHT_FALLBACK_DIR: mirror }), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(r.stderr.slice(-2000));
  return JSON.parse(r.stdout);
}
