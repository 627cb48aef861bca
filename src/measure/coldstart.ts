// One cold start, Lambda's way: fresh task root (timed unpack) → spawn the runtime against a
// private Runtime API → Init Duration = spawn → first GET /next → Duration = event handed out →
// response posted → a warm invoke on the same instance → peak RSS → kill the tree → remove the root.
// Every failure (bad event, corrupt zip, crash at init, timeout, missing interpreter) becomes a
// RunError on the sample, with the runtime's output tail; nothing here can hang past its timeouts.
import path from 'node:path';
import { emptySample } from './sample.js';
import type { HandlerSpec } from '../types.js';
import { awsRun } from './aws.js';
import { gcfRun } from './gcf.js';
import type { ColdStartOptions, InstanceContext, ProtocolStep } from './instance.js';
import { prepareLimits, makeBase, removeBase, unpackInto, type TaskRoot } from '../sandbox/index.js';
import { round } from './stats.js';
import type { Profile, RunError, RuntimeClientKind, Sample } from './types.js';

export type { ColdStartOptions, ProtocolStep } from './instance.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Lambda's limit for the init phase of an on-demand instance. */
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;

export interface ColdStartResult extends Sample {
  runtimeClient: RuntimeClientKind | undefined;
  /** Runtime API requests in order (AWS platform). */
  protocol: ProtocolStep[];
  /** The temporary task root (already removed when coldStart returns). */
  taskRoot: string | null;
  profile?: Profile;
}

export async function coldStart(pkg: string, spec: HandlerSpec, event: unknown, opts: ColdStartOptions = {}): Promise<ColdStartResult> {
  const result: ColdStartResult = {
    ...emptySample(opts.run ?? 0),
    runtimeClient: undefined,
    protocol: [],
    taskRoot: null,
  };
  const payload = eventPayload(event);
  if (typeof payload !== 'string') {
    result.error = payload;
    return result;
  }
  const ownLimits = opts.limits ? undefined : prepareLimits({ memoryMb: opts.memoryMb });
  const base = await makeBase();
  try {
    let root: TaskRoot;
    result.taskRoot = path.join(base, 'task');
    try {
      root = await unpackInto(base, pkg);
    } catch (e) {
      result.error = { kind: 'unpack', phase: 'unpack', message: `cannot unpack ${pkg}: ${(e as Error).message}` };
      return result;
    }
    result.unpackMs = round(root.unpackMs);
    const ctx: InstanceContext = {
      spec,
      root,
      payload,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      initTimeoutMs: opts.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS,
      limits: opts.limits ?? ownLimits!,
      opts,
    };
    const r = opts.platform === 'gcf' ? await gcfRun(ctx) : await awsRun(ctx);
    Object.assign(result, r);
    return result;
  } finally {
    await removeBase(base);
    ownLimits?.dispose();
  }
}

/** The event as the bytes Lambda would deliver: a JSON text. A string must itself be valid JSON. */
export function eventPayload(event: unknown): string | RunError {
  if (typeof event === 'string') {
    try {
      JSON.parse(event);
      return event;
    } catch (e) {
      return { kind: 'invalid-event', message: `the event is not valid JSON: ${(e as Error).message}` };
    }
  }
  if (event === undefined) return '{}';
  try {
    return JSON.stringify(event);
  } catch (e) {
    return { kind: 'invalid-event', message: `the event cannot be serialised to JSON: ${(e as Error).message}` };
  }
}
