import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FaaslightError } from '../../../diagnostics.js';
import { runPythonScript, runtimeFile } from '../../../sandbox/index.js';
import type { HandlerSpec, TraceResult } from '../../../types.js';
import { pythonFor } from '../../../sandbox/python.js';

/**
 * `--trace` for Python: runs the original handler in a sandbox child (python -S) and reports the package
 * files loaded at init and first loaded by each event (modules through sys.modules, data through open()).
 */
export async function tracePythonApp(root: string, handler: HandlerSpec, eventFiles: string[], python = pythonFor(handler)): Promise<TraceResult> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fl-pytrace-'));
  const out = path.join(dir, 'trace.json');
  const module = handler.file.replace(/\.py$/, '').split('/').join('.');
  const r = runPythonScript(root, {
    python,
    args: [runtimeFile('python/trace.py'), out, root, module, handler.exportName, ...eventFiles.map((e) => path.resolve(e))],
    timeoutMs: 300_000,
  });
  const text = await fsp.readFile(out, 'utf8').catch(() => undefined);
  await fsp.rm(dir, { recursive: true, force: true });
  if (!text) throw new FaaslightError(`trace of ${handler.handler} failed: ${(r.error?.message ?? r.stderr.trim().split('\n').pop()) || `exit ${r.status}`}`);
  return JSON.parse(text) as TraceResult;
}
