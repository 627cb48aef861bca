// scripts/test-setup.mjs on a machine where its steps cannot work: apt-get that fails, dpkg that knows no
// package, no build tools for aws-lambda-ric. Under CI=true each step must exit non-zero with its error;
// outside CI it says which tests will skip and goes on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-setup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A PATH of only node, bash, a failing apt-get and a dpkg-query that finds nothing installed: what a
// machine whose package mirror is down looks like to the script.
const bin = path.join(tmp, 'bin');
fs.mkdirSync(bin);
fs.symlinkSync(process.execPath, path.join(bin, 'node'));
fs.symlinkSync('/bin/bash', path.join(bin, 'bash'));
fs.writeFileSync(path.join(bin, 'apt-get'), '#!/bin/bash\necho "E: Unable to fetch some archives" >&2\nexit 100\n', { mode: 0o755 });
fs.writeFileSync(path.join(bin, 'dpkg-query'), '#!/bin/bash\nexit 1\n', { mode: 0o755 });

function setup(step: string, ci: boolean) {
  const env: NodeJS.ProcessEnv = { PATH: bin, HOME: tmp, FAASLIGHT_RIC_DIR: path.join(tmp, 'ric'), ...(ci ? { CI: 'true' } : {}) };
  return spawnSync(process.execPath, ['scripts/test-setup.mjs', '--only', step], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
}

describe('scripts/test-setup.mjs when a step fails', () => {
  test.each([
    ['apt', /apt failed under CI: apt-get update exited non-zero/],
    ['ric', /ric failed under CI: scripts\/setup-ric\.sh exited non-zero/],
    ['python', /python failed under CI: Python corpus apps not vendored \(missing python3-numpy/],
  ])('%s under CI=true: exit 1 with the error', (step, error) => {
    const r = setup(step, true);
    expect(r.stderr).toMatch(error);
    expect(r.status).toBe(1);
  });

  test.each([
    ['apt', /apt: apt-get update exited non-zero; Python end-to-end tests .* will skip/],
    ['ric', /ric: scripts\/setup-ric\.sh exited non-zero; the aws-lambda-ric tests will skip/],
    ['python', /python: Python corpus apps not vendored .*; Python end-to-end tests will skip/],
  ])('%s outside CI: exit 0 and the reason the tests skip', (step, reason) => {
    const r = setup(step, false);
    expect(r.stdout).toMatch(reason);
    expect(r.status).toBe(0);
  });

  test('an unknown step is a usage error', () => {
    expect(setup('nope', true).status).toBe(2);
  });
});

describe('a test whose prerequisite is missing', () => {
  // test/prereq.ts through a vitest of its own (rooted in a temporary folder, so the suite never collects
  // the file) on a one-test file needing something that is never there.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-prereq-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(
    path.join(dir, 'needs.test.ts'),
    `import { test } from ${JSON.stringify(path.join(ROOT, 'node_modules/vitest/dist/index.js'))};\n` +
      `import { skipWithout } from ${JSON.stringify(path.join(ROOT, 'test/prereq.ts'))};\n` +
      "test.skipIf(skipWithout(false, 'a file that is never there'))('needs it', () => {});\n",
  );
  const vitest = (ci: boolean) =>
    spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, CI: ci ? 'true' : '', FORCE_COLOR: '0', NO_COLOR: '1' },
    });

  test('fails the run under CI=true, naming what is missing', () => {
    const r = vitest(true);
    expect(r.stdout + r.stderr).toMatch(/prerequisite missing under CI=true: needs a file that is never there/);
    expect(r.status).toBe(1);
  });

  test('skips with the reason printed outside CI', () => {
    const r = vitest(false);
    expect(r.stdout + r.stderr).toMatch(/skipped: needs a file that is never there/);
    expect(r.stdout + r.stderr).toMatch(/1 skipped/);
    expect(r.status).toBe(0);
  });
});
