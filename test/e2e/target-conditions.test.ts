// End to end: an app whose dependencies have "module-sync" conditions (fixtures/graph/target-conditions),
// optimized for Lambda's nodejs20.x, where Node runs with --no-experimental-require-module and takes the
// "import"/"require" branch. The optimized package must keep the files that branch loads: it is run under
// that flag and must answer as the original does. For nodejs24.x (require(esm) on) the module-sync branch.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../../src/util/env.js';
import { copyFixture } from '../graph/helpers.js';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/faaslight.js');
const NO_REQUIRE_ESM = process.allowedNodeEnvironmentFlags.has('--experimental-require-module') ? ['--no-experimental-require-module'] : [];

function run(cmd: string, args: string[], cwd = ROOT) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The handler's answer, from a fresh Node started with `flags` in the package folder. */
function answer(dir: string, flags: string[]): unknown {
  const r = run(
    process.execPath,
    [
      ...flags,
      '--input-type=module',
      '-e',
      "const m = await import(process.cwd() + '/handler.mjs'); process.stdout.write(JSON.stringify(await m.handler({})));",
    ],
    dir,
  );
  if (r.code !== 0) return { exit: r.code, error: r.stderr.split('\n').find((l) => /Error|ERR_/.test(l)) };
  return JSON.parse(r.stdout);
}

const WITHOUT_SYNC = { cjs: 'sync-cjs/import', esm: 'sync-esm/import', fallback: 'sync-fallback/fallback', internal: 'internal-import', self: 'self-import' };
const WITH_SYNC = { cjs: 'sync-cjs/sync', esm: 'sync-esm/sync', fallback: 'sync-fallback/sync', internal: 'internal-sync', self: 'self-sync' };

describe.each([
  ['nodejs20.x', NO_REQUIRE_ESM, WITHOUT_SYNC],
  ['nodejs22.x', NO_REQUIRE_ESM, WITHOUT_SYNC],
  ['nodejs24.x', [], WITH_SYNC],
] as const)('optimize for %s', (runtime, flags, expected) => {
  const app = copyFixture('target-conditions');
  const out = `${app}.opt`;
  afterAll(() => {
    for (const d of [app, out, `${out}.zip`, `${out}.report.html`]) fs.rmSync(d, { recursive: true, force: true });
  });
  fs.writeFileSync(path.join(app, 'serverless.yml'), fs.readFileSync(path.join(app, 'serverless.yml'), 'utf8').replace('nodejs20.x', runtime));

  it('keeps the files the target resolves, verifies, and the output answers as the original under the target flags', () => {
    const r = run(process.execPath, [CLI, 'optimize', app, '--out', out, '--verify', path.join(app, 'events/*.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.verify.ok).toBe(true);
    if (runtime === 'nodejs24.x' && !NO_REQUIRE_ESM.length) return; // this Node cannot run a target without require(esm)
    expect(answer(app, flags)).toEqual(expected);
    expect(answer(out, flags)).toEqual(expected);
    for (const f of Object.values(expected)) {
      const file = f.includes('/') ? `node_modules/${f}` : f;
      expect(
        ['.js', '.mjs'].some((ext) => fs.existsSync(path.join(out, file + ext))),
        `${file} in the output`,
      ).toBe(true);
    }
  });
});
