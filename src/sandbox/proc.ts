// Process-tree helpers for one runtime instance: spawn in its own process group, keep the tail of
// its output, read the tree's peak memory, and kill the whole tree (a handler may have started
// children of its own; none may outlive the measurement).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Keeps the last `max` bytes of a stream: enough for the error at the end of a stack trace. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max = 4096) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.max) this.size -= this.chunks.shift()!.length;
  }
  text(lines = 25): string {
    const all = Buffer.concat(this.chunks).toString('utf8');
    const tail = all.length > this.max ? all.slice(all.length - this.max) : all;
    return tail.split('\n').slice(-lines).join('\n').trimEnd();
  }
}

export interface Instance {
  child: ChildProcess;
  /** performance.now() just before spawn(). */
  spawnedAt: number;
  /** stderr and stdout interleaved as received. */
  output: TailBuffer;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<{ code: number | null; signal: string | null; at: number }>;
  /** Set once exited. */
  exit: { code: number | null; signal: string | null; at: number } | null;
  spawnError: Error | null;
  /** Whole stderr, kept only when asked (Python -X importtime writes the profile there). */
  stderrAll?: string;
}

export function startInstance(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; extraFds?: number; keepStderr?: boolean },
): Instance {
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
  for (let i = 0; i < (opts.extraFds ?? 0); i++) stdio.push('pipe');
  const spawnedAt = performance.now();
  // detached: its own process group, so the whole tree can be killed with one signal.
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio, detached: true });
  const output = new TailBuffer();
  child.stdout?.on('data', (c: Buffer) => output.push(c));
  child.stderr?.on('data', (c: Buffer) => output.push(c));
  const inst: Instance = { child, spawnedAt, output, exit: null, spawnError: null, exited: undefined as never };
  if (opts.keepStderr) {
    const all: Buffer[] = [];
    child.stderr?.on('data', (c: Buffer) => all.push(c));
    Object.defineProperty(inst, 'stderrAll', { get: () => Buffer.concat(all).toString('utf8'), enumerable: true });
  }
  inst.exited = new Promise((resolve) => {
    child.once('error', (err) => {
      inst.spawnError = err;
      inst.exit = { code: null, signal: null, at: performance.now() };
      resolve(inst.exit);
    });
    child.once('exit', (code, signal) => {
      inst.exit = { code, signal, at: performance.now() };
      resolve(inst.exit);
    });
  });
  return inst;
}

/** Kills the instance's process group and waits for the exit (bounded, so a zombie cannot hang us). */
export async function killInstance(inst: Instance): Promise<void> {
  const pid = inst.child.pid;
  if (pid !== undefined) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }
  if (!inst.exit && pid !== undefined) {
    await Promise.race([inst.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  inst.child.stdout?.destroy();
  inst.child.stderr?.destroy();
}

/** Descendants of `pid` (children first found through /proc/<pid>/task/<tid>/children). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        for (const c of readFileSync(`/proc/${out[i]}/task/${tid}/children`, 'utf8').split(/\s+/)) if (c) out.push(Number(c));
      } catch {
        // Thread ended meanwhile.
      }
    }
  }
  return out;
}

/**
 * Sum of VmHWM (each process's peak resident set) over the tree, in KiB. Reading the kernel's
 * high-water mark once at the end needs no polling (polling would steal CPU from the runtime
 * being timed). The sum is an upper bound of the tree's peak when several processes peak apart.
 */
export function peakRssKb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  let total = 0;
  let found = false;
  for (const p of processTree(pid)) {
    try {
      const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) {
        total += Number(m[1]);
        found = true;
      }
    } catch {
      // Exited meanwhile.
    }
  }
  return found ? total : null;
}
