import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaaslightError } from '../../../diagnostics.js';
import type { HandlerSpec, TraceResult } from '../../../types.js';
import { cleanEnv } from '../../../util/env.js';
import { runInterpreter } from '../interpreter.js';

const TRACE_PY = fileURLToPath(new URL('../../../../runtime/python/trace.py', import.meta.url));

/**
 * `--trace` for Python: runs the original handler with /usr/bin/python3 -S and reports the package
 * files loaded at init and first loaded by each event (modules through sys.modules, data through open()).
 */
export async function tracePythonApp(root: string, handler: HandlerSpec, eventFiles: string[], python = runInterpreter(handler.runtimeId).path): Promise<TraceResult> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fl-pytrace-'));
  const out = path.join(dir, 'trace.json');
  const module = handler.file.replace(/\.py$/, '').split('/').join('.');
  const r = spawnSync(python, ['-S', '-B', TRACE_PY, out, root, module, handler.exportName, ...eventFiles.map((e) => path.resolve(e))], {
    cwd: root,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 300_000,
  });
  const text = await fsp.readFile(out, 'utf8').catch(() => undefined);
  await fsp.rm(dir, { recursive: true, force: true });
  if (!text) throw new FaaslightError(`trace of ${handler.handler} failed: ${(r.error?.message ?? r.stderr.trim().split('\n').pop()) || `exit ${r.status}`}`);
  return JSON.parse(text) as TraceResult;
}
