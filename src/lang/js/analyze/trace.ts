import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diag } from '../../../diagnostics.js';
import type { Diagnostic, HandlerSpec, TraceResult } from '../../../types.js';
import { comparePaths } from '../../../util/files.js';
import { isInside, rel } from '../../../util/paths.js';
import { eventLabels } from '../../../verify/events.js';
import { runtimeFile, runHandler, type RunOptions } from '../../../sandbox/index.js';

export interface TraceRun extends TraceResult {
  /** FL105 for each handler that throws at init. */
  diagnostics: Diagnostic[];
}

/** One traced process: files loaded or read before the handler was called, and during the call. */
export interface TraceLog {
  init: string[];
  invoke: string[];
}

/** Reads the hook's append-only log: lines before the `M invoke` marker are init, after are the event. */
export function parseTraceLog(text: string, root: string): TraceLog {
  const init = new Set<string>();
  const invoke = new Set<string>();
  let current = init;
  for (const line of text.split('\n')) {
    if (line === 'M invoke') current = invoke;
    else if (line.startsWith('L ') || line.startsWith('R ')) {
      const abs = line.slice(2);
      if (!isInside(root, abs)) continue;
      const file = rel(root, abs);
      if (file && !init.has(file)) current.add(file);
    }
  }
  return { init: [...init].sort(comparePaths), invoke: [...invoke].sort(comparePaths) };
}

/**
 * Runs the ORIGINAL package's handlers once per event, each in a fresh process with the trace hook
 * preloaded, and reports what was loaded at init (union over runs) and what each event added.
 */
export async function traceApp(root: string, handlers: HandlerSpec[], eventFiles: string[], opts: Pick<RunOptions, 'timeoutMs'> = {}): Promise<TraceRun> {
  const absRoot = await fsp.realpath(path.resolve(root));
  const labels = eventLabels(eventFiles);
  const init = new Set<string>();
  const perEvent: Record<string, string[]> = {};
  const errors: TraceResult['errors'] = [];
  const diagnostics: Diagnostic[] = [];
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'faaslight-trace-'));
  try {
    let n = 0;
    for (const handler of handlers) {
      if (handler.runtime !== 'nodejs') {
        errors.push({ message: `${handler.handler}: tracing runs Node.js handlers only` });
        continue;
      }
      for (const file of eventFiles) {
        const event = labels.get(file)!;
        const out = path.join(tmp, `${n++}.log`);
        const outcome = await runHandler(absRoot, handler, file, {
          ...opts,
          nodeArgs: ['-r', runtimeFile('node/trace-hook.cjs')],
          env: { FAASLIGHT_TRACE_OUT: out, FAASLIGHT_TRACE_ROOT: absRoot },
        });
        const log = parseTraceLog(await fsp.readFile(out, 'utf8').catch(() => ''), absRoot);
        for (const f of log.init) init.add(f);
        perEvent[event] = [...new Set([...(perEvent[event] ?? []), ...log.invoke])].sort(comparePaths);
        if (!outcome.ok) {
          const message = `${handler.handler}: ${outcome.error?.name}: ${outcome.error?.message}`;
          errors.push({ event, message: outcome.phase === 'init' ? `init: ${message}` : message });
          if (outcome.phase === 'init' && !diagnostics.some((d) => d.message.startsWith(handler.handler))) {
            diagnostics.push(
              diag('FL105', 'warning', `${handler.handler} throws at init: ${outcome.error?.message}`, {
                file: handler.file,
                note: 'the trace then shows only what loaded before the error; fix the init error or trace with other events',
              }),
            );
          }
        }
      }
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return { init: [...init].sort(comparePaths), perEvent, errors, diagnostics };
}
