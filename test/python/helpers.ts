// A miniature Python pipeline for tests: analyze → decide → transform → strip into the fallback store.
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzePythonApp, decidePythonImports, type PythonAppAnalysis } from '../../src/lang/python/analyze/index.js';
import { transformPythonFile, writePythonShim } from '../../src/lang/python/transform/index.js';
import { writeFallbackStore } from '../../src/package/fallback-store.js';
import type { HandlerSpec } from '../../src/types.js';
import { cleanEnv } from '../../src/util/env.js';
import { listFiles } from '../../src/util/files.js';

export const PY = '/usr/bin/python3';

export function handlerSpec(handler: string): HandlerSpec {
  const i = handler.lastIndexOf('.');
  return { handler, file: `${handler.slice(0, i).replace(/\./g, '/')}.py`, exportName: handler.slice(i + 1), runtime: 'python', style: 'aws', source: 'test' };
}

const created: string[] = [];

export async function tmpDir(prefix: string): Promise<string> {
  const d = await fsp.mkdtemp(path.join(os.tmpdir(), `fl-py-${prefix}-`));
  created.push(d);
  return d;
}

/** Removes every folder tmpDir() made in this test file (call from afterAll). */
export async function cleanupTmp(): Promise<void> {
  for (const d of created.splice(0)) {
    await fsp.chmod(d, 0o755).catch(() => undefined);
    await fsp.rm(d, { recursive: true, force: true });
  }
}

export interface Optimized {
  out: string;
  analysis: PythonAppAnalysis;
  stripped: string[];
  applied: string[];
}

export async function optimizePythonApp(src: string, handlers: string[], opts: { stubs?: boolean } = {}): Promise<Optimized> {
  const out = await tmpDir('out');
  const { files } = await listFiles(src);
  const specs = handlers.map(handlerSpec);
  const analysis = await analyzePythonApp(src, files, specs, { stubs: opts.stubs });
  const decisions = decidePythonImports(analysis.sites, {}, analysis.graph);
  const stripped: string[] = [];
  const applied: string[] = [];
  const store: string[] = [];
  for (const f of files) {
    if (!analysis.graph.files[f]) {
      stripped.push(f);
      store.push(f);
      continue;
    }
    const dest = path.join(out, f);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    if (f.endsWith('.py')) {
      const code = await fsp.readFile(path.join(src, f), 'utf8');
      const r = transformPythonFile(f, code, decisions, analysis.stubCandidates, { isHandler: specs.some((h) => h.file === f) });
      applied.push(...r.applied.map((a) => `${f}: ${a}`));
      if (r.storeOriginal) store.push(f);
      await fsp.writeFile(dest, r.code);
    } else await fsp.copyFile(path.join(src, f), dest);
  }
  await writeFallbackStore(src, store, out);
  await writePythonShim(out);
  return { out, analysis, stripped, applied };
}

export interface PyRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs python3 -S in `cwd` with a clean environment and a private fallback mirror. */
export function runPython(cwd: string, args: string[], mirror?: string): PyRun {
  const r = spawnSync(PY, ['-S', '-B', ...args], { cwd, env: cleanEnv(mirror ? { FAASLIGHT_FALLBACK_DIR: mirror } : {}), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Imports the handler module, calls it with the event, prints the JSON result and the modules loaded at init. */
export function invokeScript(module: string, fn: string, event: unknown, watch: string[] = []): string {
  return [
    'import json, sys',
    "sys.path.insert(0, '.')",
    `import ${module} as _h`,
    `_init = [m for m in ${JSON.stringify(watch)} if m in sys.modules]`,
    `_r = _h.${fn}(json.loads(${JSON.stringify(JSON.stringify(event))}), None)`,
    "print(json.dumps({'result': _r, 'init': _init}, default=repr, sort_keys=True))",
  ].join('\n');
}

export function fallbackLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('faaslight: fallback load '))
    .map((l) => l.slice('faaslight: fallback load '.length));
}
