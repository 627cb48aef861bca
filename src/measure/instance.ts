// What every platform's instance runner shares: the context it gets, the run it returns, and the
// init profile it reads back (the instance itself is started by src/sandbox).
import { promises as fsp } from 'node:fs';
import type { HandlerSpec } from '../types.js';
import type { Instance, Limits, TaskRoot } from '../sandbox/index.js';
import { nodeProfile, pythonProfile, type RawFrame } from './profile.js';
import type { Platform, Profile, RunError, RuntimeClientChoice, RuntimeClientKind } from './types.js';

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
