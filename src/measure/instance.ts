// What every platform's instance runner shares: the context it gets, the run it returns, and the
// helpers that turn races, exits and posted errors into data.
import { promises as fsp } from 'node:fs';
import type { HandlerSpec } from '../types.js';
import type { Limits } from './limits.js';
import type { Instance } from './proc.js';
import { nodeProfile, pythonProfile, type RawFrame } from './profile.js';
import type { PostedResult } from './runtime-api.js';
import type { TaskRoot } from './taskroot.js';
import type { Profile, RunError, RunErrorKind, RuntimeClientChoice, RuntimeClientKind, Platform } from './types.js';

export interface ColdStartOptions {
  platform?: Platform;
  runtimeClient?: RuntimeClientChoice;
  python?: string;
  timeoutMs?: number;
  initTimeoutMs?: number;
  memoryMb?: number;
  env?: Record<string, string>;
  /** Also collect the init-time module profile (slows the run down: not for timing). */
  profile?: boolean;
  /** Run the warm invoke (default true). */
  warm?: boolean;
  /** CPU/memory limits shared across runs; created (and disposed) per call when absent. */
  limits?: Limits;
  /** A custom runtime command run in the task root instead of the built-in choice. */
  runtimeCommand?: string[];
  /** Sample index to record. */
  run?: number;
}

export interface ProtocolStep {
  /** ms since spawn. */
  t: number;
  method: string;
  path: string;
  status: number;
}

/** What one instance run produces; the shell around it (unpack, cleanup) is shared by both platforms. */
export interface InstanceRun {
  initMs: number | null;
  durationMs: number | null;
  e2eMs: number | null;
  warmMs: number | null;
  peakRssKb: number | null;
  output: unknown;
  error?: RunError;
  runtimeClient: RuntimeClientKind;
  protocol: ProtocolStep[];
  profile?: Profile;
}

export interface InstanceContext {
  spec: HandlerSpec;
  root: TaskRoot;
  payload: string;
  timeoutMs: number;
  initTimeoutMs: number;
  limits: Limits;
  opts: ColdStartOptions;
}

type Outcome<T extends string> = { tag: T; value?: unknown };

/** Resolves with the first settled tag; timers are cleared so nothing keeps the process alive. */
export async function firstOf<T extends string>(
  items: (readonly [T, Promise<unknown>])[],
  timeout?: { tag: T; ms: number },
): Promise<Outcome<T>> {
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

export async function readProfile(
  runtime: HandlerSpec['runtime'],
  profileOut: string,
  inst: Instance,
  taskRoot: string,
  firstNextAt: number | null,
): Promise<Profile> {
  const initEnd = firstNextAt === null ? null : performance.timeOrigin + firstNextAt;
  if (runtime === 'python') return pythonProfile(inst.stderrAll ?? '');
  try {
    const raw = JSON.parse(await fsp.readFile(profileOut, 'utf8')) as { roots: RawFrame[] };
    // Resolve the real path: the hook saw resolved files (the task root may sit behind a /tmp symlink).
    return nodeProfile(raw, await fsp.realpath(taskRoot).catch(() => taskRoot), initEnd);
  } catch (e) {
    return {
      tool: 'require-hook',
      totalMs: 0,
      top: [],
      tree: [],
      loadedDuringInvoke: [],
      notes: [`no profile written by the require hook: ${(e as Error).message}`],
    };
  }
}
