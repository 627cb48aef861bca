// Turning a handler child's races, exits and posted errors into data: the first of several events
// (with a timeout), the RunError of an exit, and what the runtime posted as the invoke's output.
import type { Instance } from './proc.js';
import type { PostedResult } from './runtime-api.js';
import type { RunError, RunErrorKind } from './types.js';

type Outcome<T extends string> = { tag: T; value?: unknown };

/** Resolves with the first settled tag; timers are cleared so nothing keeps the process alive. */
export async function firstOf<T extends string>(items: (readonly [T, Promise<unknown>])[], timeout?: { tag: T; ms: number }): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const racers = items.map(([tag, p]) => p.then((value) => ({ tag, value })));
  if (timeout) racers.push(new Promise((r) => (timer = setTimeout(() => r({ tag: timeout.tag, value: undefined }), timeout.ms))));
  try {
    return await Promise.race(racers);
  } finally {
    clearTimeout(timer);
  }
}

export function exitError(kind: RunErrorKind, phase: RunError['phase'], inst: Instance, what: string): RunError {
  if (inst.spawnError) {
    return { kind: 'spawn', phase, message: `cannot start the runtime: ${inst.spawnError.message}`, stderrTail: inst.output.text() };
  }
  const how = inst.exit?.signal ? `was killed by ${inst.exit.signal}` : `exited with code ${inst.exit?.code}`;
  return {
    kind,
    phase,
    message: `the runtime ${how} ${what}`,
    exitCode: inst.exit?.code ?? null,
    signal: inst.exit?.signal ?? null,
    stderrTail: inst.output.text(),
  };
}

/** Output of an invoke: the parsed response, or the error object without its trace (traces differ by path). */
export function postedOutput(p: PostedResult): unknown {
  let body: unknown = p.body;
  try {
    body = JSON.parse(p.body);
  } catch {
    // Not JSON: kept as the raw text.
  }
  if (p.kind === 'error' && body && typeof body === 'object') {
    const { errorType, errorMessage } = body as { errorType?: string; errorMessage?: string };
    return { errorType: errorType ?? p.errorType, errorMessage };
  }
  return body;
}

export function postedError(p: PostedResult, phase: RunError['phase'], kind: RunErrorKind, inst: Instance): RunError {
  const out = postedOutput(p) as { errorType?: string; errorMessage?: string } | string;
  const errorType = typeof out === 'object' && out ? out.errorType : p.errorType;
  const message = typeof out === 'object' && out ? `${out.errorType}: ${out.errorMessage}` : String(out);
  return { kind, phase, message, errorType, stderrTail: inst.output.text() };
}
