import { isDeepStrictEqual } from 'node:util';
import { diag } from '../diagnostics.js';
import type { Diagnostic, HandlerSpec, InvokeOutcome, VerifyEventResult, VerifyResult } from '../types.js';
import { eventLabels } from './events.js';
import { HARNESS_ERROR, runHandler, TIMEOUT_ERROR, type RunOptions } from '../sandbox/index.js';

const FALLBACK_LINE = /^faaslight: fallback load (.+)$/;

/** What is compared: success, the JSON output, and the error's name and message (not its stack). */
function comparable(o: InvokeOutcome) {
  return { ok: o.ok, output: o.output ?? null, error: o.error ? { name: o.error.name, message: o.error.message } : null };
}

/** Two outcomes agree; a harness failure (timeout, no result) never counts as agreement. */
export function sameOutcome(a: InvokeOutcome, b: InvokeOutcome): boolean {
  const broken = (o: InvokeOutcome) => o.error?.name === HARNESS_ERROR || o.error?.name === TIMEOUT_ERROR;
  if (broken(a) || broken(b)) return false;
  return isDeepStrictEqual(comparable(a), comparable(b));
}

export function fallbackLoads(stderr: string | undefined): string[] {
  return (stderr ?? '').split('\n').flatMap((l) => FALLBACK_LINE.exec(l.trimEnd())?.slice(1, 2) ?? []);
}

/**
 * Runs every handler × event against the original and the optimized package, each run in a fresh
 * process (the two sides of a pair in parallel), and compares the outcomes.
 */
export async function verify(
  originalRoot: string,
  optimizedRoot: string,
  handlers: HandlerSpec[],
  eventFiles: string[],
  opts: RunOptions = {},
): Promise<VerifyResult> {
  const labels = eventLabels(eventFiles);
  const events: VerifyEventResult[] = [];
  for (const handler of handlers) {
    for (const file of eventFiles) {
      const [original, optimized] = await Promise.all([runHandler(originalRoot, handler, file, opts), runHandler(optimizedRoot, handler, file, opts)]);
      events.push({
        event: labels.get(file)!,
        handler: handler.handler,
        identical: sameOutcome(original, optimized),
        original,
        optimized,
        fallbackLoads: fallbackLoads(optimized.stderr),
      });
    }
  }
  return { ok: events.every((e) => e.identical), events };
}

/** FL301 for each differing event, FL302 for each fallback load seen while verifying. */
export function verifyDiagnostics(result: VerifyResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of result.events) {
    if (!e.identical) {
      out.push(
        diag('FL301', 'error', `${e.handler} with ${e.event}: output differs after optimization`, {
          note: `original ${JSON.stringify(comparable(e.original))}, optimized ${JSON.stringify(comparable(e.optimized))}`,
        }),
      );
    }
    for (const f of e.fallbackLoads) {
      out.push(
        diag('FL302', 'warning', `${e.handler} with ${e.event}: ${f} was loaded from the fallback store`, {
          file: f,
          note: 'add it to "keep" in faaslight.config.json, or pass this event to --trace',
        }),
      );
    }
  }
  return out;
}
