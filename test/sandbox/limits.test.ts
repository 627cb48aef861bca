import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { lambdaVcpus, prepareLimits } from '../../src/sandbox/index.js';
import { skipWithout } from '../prereq.js';

test.each([
  [128, 0.072],
  [1024, 0.579],
  [1769, 1],
  [3538, 2],
  [10240, 5.789],
  [20000, 6],
])('%i MB → %f vCPU', (mb, want) => expect(lambdaVcpus(mb)).toBe(want));

test('without --memory nothing is limited, and the result says so', () => {
  const l = prepareLimits({});
  expect(l.cpu.applied).toBe('none');
  expect(l.memoryEnforced).toBe(false);
  expect(l.notes[0]).toBe('memory limit not enforced: no --memory given');
  expect(l.wrap('node', ['x'])).toEqual({ cmd: 'node', args: ['x'] });
  l.dispose();
});

test('with no cgroup and no taskset, the report says the CPU is not limited', () => {
  const l = prepareLimits({ memoryMb: 512, disableCgroups: true, disableTaskset: true });
  expect(l.cpu).toEqual({ applied: 'none', detail: 'no writable cgroup and no taskset: CPU not limited (Lambda would give 0.289 vCPU)' });
  expect(l.notes).toContain('memory limit not enforced: no writable memory cgroup');
  l.dispose();
});

test.skipIf(skipWithout(existsSync('/usr/bin/taskset'), '/usr/bin/taskset (util-linux)'))(
  'with no cgroup, taskset pins to one core (and says it is coarse)',
  () => {
    const l = prepareLimits({ memoryMb: 512, disableCgroups: true });
    expect(l.cpu.applied).toBe('taskset');
    expect(l.cpu.detail).toMatch(/faster than Lambda at this size/);
    const w = l.wrap('node', ['x']);
    expect(w.cmd).toBe('/usr/bin/taskset');
    expect(w.args.slice(0, 1)).toEqual(['-c']);
    expect(w.args.slice(2)).toEqual(['node', 'x']);
    l.dispose();
  },
);

test('on this machine: whatever is applied is real (the process sits in the cgroup) and cleaned up', async () => {
  const l = prepareLimits({ memoryMb: 256 });
  if (!l.cpu.applied.startsWith('cgroup')) {
    expect(l.notes.some((n) => n.startsWith('CPU: '))).toBe(true);
    l.dispose();
    return;
  }
  const dir = /in (\/sys\/fs\/cgroup\/\S+)$/.exec(l.cpu.detail)![1];
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
  try {
    // 256 MB / 1769 MB × 100 000 µs = 14 471 µs per period.
    expect(readFileSync(`${dir}/${l.cpu.applied === 'cgroup-v2' ? 'cpu.max' : 'cpu.cfs_quota_us'}`, 'utf8')).toMatch(/^14471\b/);
    l.attach(child.pid);
    expect(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')).toContain(dir.split('/').pop()!);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    l.dispose();
  }
  expect(existsSync(dir)).toBe(false);
});
