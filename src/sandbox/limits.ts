// Memory size → CPU share, the way Lambda allots it: CPU grows linearly with memory, 1 vCPU at
// 1769 MB, up to 6 vCPUs at 10240 MB. Enforced with the best mechanism this machine allows, in
// order: a cgroup v2 child (cpu.max), a cgroup v1 child (cpu.cfs_quota_us), `taskset` to one core
// (coarse: a whole core, whatever the share). What was applied is reported, never assumed.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CpuLimit } from './types.js';

export const MB_PER_VCPU = 1769;
const MAX_VCPUS = 6;
const PERIOD_US = 100_000;

export function lambdaVcpus(memoryMb: number): number {
  return Math.min(MAX_VCPUS, Math.round((memoryMb / MB_PER_VCPU) * 1000) / 1000);
}

export interface Limits {
  cpu: CpuLimit;
  /** Whether the memory size is enforced as a hard limit (the process is killed above it, as on Lambda). */
  memoryEnforced: boolean;
  notes: string[];
  /** Command prefix (taskset) to put before the runtime command. */
  wrap(cmd: string, args: string[]): { cmd: string; args: string[] };
  /** Moves a just-spawned process into the limited cgroups. */
  attach(pid: number | undefined): void;
  dispose(): void;
}

interface CgroupLine {
  controllers: string[];
  path: string;
}

function ownCgroups(): CgroupLine[] {
  try {
    return readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [, ctl, p] = l.split(':');
        return { controllers: ctl ? ctl.split(',') : [], path: p ?? '/' };
      });
  } catch {
    return [];
  }
}

/** Creates a child cgroup and writes the given files; undefined (and no leftovers) when anything is refused. */
function makeCgroup(parent: string, files: Record<string, string>): string | undefined {
  const dir = path.join(parent, `faaslight-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    mkdirSync(dir);
  } catch {
    return undefined;
  }
  try {
    for (const [f, v] of Object.entries(files)) writeFileSync(path.join(dir, f), v);
    return dir;
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // Left behind empty; harmless.
    }
    return undefined;
  }
}

function v2Root(): string | undefined {
  for (const m of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) if (existsSync(path.join(m, 'cgroup.controllers'))) return m;
  return undefined;
}

function v1Mount(controller: string): string | undefined {
  for (const m of [`/sys/fs/cgroup/${controller}`, '/sys/fs/cgroup/cpu,cpuacct']) if (existsSync(path.join(m, 'cgroup.procs'))) return m;
  return undefined;
}

export interface LimitsOptions {
  memoryMb?: number;
  /** Test hook: pretend no cgroup is writable. */
  disableCgroups?: boolean;
  /** Test hook: pretend taskset is missing. */
  disableTaskset?: boolean;
}

export function prepareLimits(opts: LimitsOptions): Limits {
  const notes: string[] = [];
  const cgroups: string[] = [];
  let prefix: string[] = [];
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const none = (detail: string): CpuLimit => ({ applied: 'none', detail });
  let cpu: CpuLimit;
  let memoryEnforced = false;

  if (opts.memoryMb === undefined) {
    cpu = none(`no --memory: the runtime may use all ${cores} cores of this machine (Lambda gives 1 vCPU per ${MB_PER_VCPU} MB)`);
    notes.push('memory limit not enforced: no --memory given');
  } else {
    const vcpus = lambdaVcpus(opts.memoryMb);
    const own = ownCgroups();
    // From the exact share, not the rounded one shown in the report.
    const quota = Math.max(1000, Math.round(Math.min(MAX_VCPUS, opts.memoryMb / MB_PER_VCPU) * PERIOD_US));
    const bytes = String(opts.memoryMb * 1024 * 1024);
    const v2 = opts.disableCgroups ? undefined : v2Root();
    const v2Line = own.find((l) => l.controllers.length === 0);
    let v2Dir: string | undefined;
    if (v2 && v2Line) {
      const parent = path.join(v2, v2Line.path);
      const ctl = (() => {
        try {
          return readFileSync(path.join(parent, 'cgroup.subtree_control'), 'utf8');
        } catch {
          return '';
        }
      })();
      if (/\bcpu\b/.test(ctl)) {
        const files: Record<string, string> = { 'cpu.max': `${quota} ${PERIOD_US}` };
        if (/\bmemory\b/.test(ctl)) files['memory.max'] = bytes;
        v2Dir = makeCgroup(parent, files);
        if (v2Dir) memoryEnforced = 'memory.max' in files;
      }
    }
    if (v2Dir) {
      cgroups.push(v2Dir);
      cpu = { applied: 'cgroup-v2', vcpus, detail: `cgroup v2 cpu.max ${quota}/${PERIOD_US} µs (${vcpus} vCPU) in ${v2Dir}` };
    } else {
      const cpuLine = own.find((l) => l.controllers.includes('cpu'));
      const cpuMount = opts.disableCgroups ? undefined : v1Mount('cpu');
      const v1Dir =
        cpuLine && cpuMount
          ? makeCgroup(path.join(cpuMount, cpuLine.path), { 'cpu.cfs_period_us': String(PERIOD_US), 'cpu.cfs_quota_us': String(quota) })
          : undefined;
      if (v1Dir) {
        cgroups.push(v1Dir);
        cpu = { applied: 'cgroup-v1', vcpus, detail: `cgroup v1 cpu.cfs_quota_us ${quota}/${PERIOD_US} µs (${vcpus} vCPU) in ${v1Dir}` };
      } else if (!opts.disableTaskset && vcpus <= 1 && cores > 1 && existsSync('/usr/bin/taskset')) {
        prefix = ['/usr/bin/taskset', '-c', String(cores - 1)];
        cpu = {
          applied: 'taskset',
          vcpus,
          detail: `no writable cgroup: pinned to one core with taskset; Lambda would give ${vcpus} vCPU, so this is faster than Lambda at this size`,
        };
      } else {
        cpu = none(`no writable cgroup${vcpus <= 1 ? ' and no taskset' : ''}: CPU not limited (Lambda would give ${vcpus} vCPU)`);
      }
      if (vcpus > cores) notes.push(`Lambda would give ${vcpus} vCPUs at ${opts.memoryMb} MB; this machine has ${cores}`);
      // Memory: a v1 memory child cgroup when possible.
      const memLine = own.find((l) => l.controllers.includes('memory'));
      const memMount = opts.disableCgroups ? undefined : v1Mount('memory');
      const memDir = memLine && memMount ? makeCgroup(path.join(memMount, memLine.path), { 'memory.limit_in_bytes': bytes }) : undefined;
      if (memDir) {
        cgroups.push(memDir);
        memoryEnforced = true;
        // Without swap accounting limited too, a tree over the limit would swap instead of being killed.
        try {
          writeFileSync(path.join(memDir, 'memory.memsw.limit_in_bytes'), bytes);
        } catch {
          notes.push('memory limit set without swap accounting: above it the runtime may swap instead of being killed');
        }
      }
    }
    if (!memoryEnforced) notes.push('memory limit not enforced: no writable memory cgroup');
    else notes.push(`memory limit enforced: ${opts.memoryMb} MB (a runtime above it is killed, as on Lambda)`);
  }
  if (cpu.applied === 'none' || cpu.applied === 'taskset') notes.push(`CPU: ${cpu.detail}`);

  return {
    cpu,
    memoryEnforced,
    notes,
    wrap: (cmd, args) => (prefix.length ? { cmd: prefix[0], args: [...prefix.slice(1), cmd, ...args] } : { cmd, args }),
    attach(pid) {
      // Written right after spawn() returns: the exec has happened but the runtime has barely
      // started, so practically all of its init runs under the limit (no shell wrapper to time).
      if (pid === undefined) return;
      for (const dir of cgroups) {
        try {
          writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
        } catch {
          // Exited already.
        }
      }
    },
    dispose() {
      for (const dir of cgroups) {
        try {
          rmdirSync(dir);
        } catch {
          // Still busy (a process escaped the kill): left for the system to clean.
        }
      }
    },
  };
}
