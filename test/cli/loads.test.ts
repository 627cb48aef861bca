// What the CLI loads before it does any work: `faaslight --help` and `faaslight <cmd> --help` run
// commander and the option definitions only (bundled into dist/cli.bundle.js by scripts/build-cli.mjs),
// `measure` runs without Babel or archiver, and `analyze` without the rewrite's, bundler's and zip's packages. Each case runs the built entry (bin/faaslight.js → dist/, as
// `npm test` builds it) under record-loads.mjs, which lists every module file the process loaded; the
// assertions are on that list, not on a time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanEnv } from '../../src/util/env.js';

const ROOT = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-cli-loads-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Files loaded by `faaslight ...args`, relative to the repository, sorted and deduplicated. */
function loads(args: string[]): { code: number | null; stderr: string; files: string[] } {
  const out = path.join(tmp, `${args.join('_').replace(/\W+/g, '_')}.txt`);
  const r = spawnSync(process.execPath, ['--import', path.join(__dirname, 'record-loads.mjs'), path.join(ROOT, 'bin/faaslight.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: cleanEnv({ FL_RECORD_LOADS: out }),
  });
  const files = [...new Set(fs.readFileSync(out, 'utf8').split('\n').filter(Boolean))].map((f) => path.relative(ROOT, f)).sort();
  return { code: r.status, stderr: r.stderr, files };
}

/** node_modules/<pkg>/… → pkg, scoped names included. */
const packagesOf = (files: string[]) => [...new Set(files.flatMap((f) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? []))].sort();

// The bundled shell, and what its option definitions need from the library at registration: the
// diagnostics (usage errors) and the model's default prices, shown in `model --help`.
const HELP_FILES = ['bin/faaslight.js', 'dist/cli.bundle.js', 'dist/diagnostics.js', 'dist/model/cost.js'];

const COMMANDS = ['optimize', 'analyze', 'why', 'measure', 'report', 'lambda-local', 'invoke', 'model', 'load', 'batch', 'compare'];

describe('start-up loads', () => {
  test('--help: the bundled shell and two small library modules, no package', () => {
    const r = loads(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.files).toEqual([...HELP_FILES].sort());
  });

  test.each(COMMANDS)('%s --help loads no more than --help', (cmd) => {
    const r = loads([cmd, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.files).toEqual([...HELP_FILES].sort());
  });

  test('a usage error is found before anything heavy loads', () => {
    const r = loads(['measure', 'fixtures/measure/node-cjs', '--runs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--runs must be a whole number/);
    expect(r.files).toEqual([...HELP_FILES].sort());
  });

  // The bundle leaves diagnostics.js external: a UsageError thrown by a library module is the class the
  // shell checks, so it is a usage error (2) with its message, not an internal error.
  test('a usage error thrown inside the library exits 2', () => {
    const r = loads(['model', '--from', 'fixtures/model/nope.json', '--arrival-rate', '1', '--idle-timeout', '1']);
    expect(r.stderr).toMatch(/^faaslight: cannot read measurement results/);
    expect(r.code).toBe(2);
    expect(r.files).toContain('dist/model/from.js');
  });

  test('measure runs a cold start without Babel, esbuild, tree-sitter or the cloud SDKs', () => {
    const r = loads(['measure', 'fixtures/measure/node-cjs', '--runs', '1', '--warmup', '0', '--runtime-client', 'builtin', '--quiet', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const pkgs = packagesOf(r.files);
    expect(pkgs).toContain('yaml'); // the descriptors are read: the list is not empty by accident
    expect(pkgs.filter((p) => /^@babel\/|^esbuild$|^tree-sitter|^@aws-sdk\/|^@google-cloud\/|^google-auth-library$|^magic-string$|^archiver$/.test(p))).toEqual(
      [],
    );
    // Nothing of a language's analysis or rewrite: the target interpreter lookup lives in the sandbox.
    expect(r.files.filter((f) => f.startsWith('dist/lang/'))).toEqual([]);
  }, 60_000);

  // analyze parses and plans: Babel's parser and traverse, no rewrite, bundle, package, verify or measure.
  // @babel/generator is not in the list: @babel/traverse requires it at the top of lib/path/index.js.
  test('analyze loads no esbuild, archiver, magic-string, tree-sitter or the cloud SDKs', () => {
    const r = loads(['analyze', 'fixtures/e2e/tiny', '--handler', 'handler.handler', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const pkgs = packagesOf(r.files);
    expect(pkgs).toEqual(expect.arrayContaining(['@babel/parser', '@babel/traverse', 'enhanced-resolve'])); // it did analyse
    expect(pkgs.filter((p) => /^esbuild$|^archiver$|^magic-string$|^tree-sitter|^@aws-sdk\/|^@google-cloud\/|^google-auth-library$/.test(p))).toEqual([]);
    const stages = ['dist/lang/js/bundle/build.js', 'dist/package/write-package.js', 'dist/verify/verify.js', 'dist/measure/index.js'];
    expect(r.files.filter((f) => stages.includes(f))).toEqual([]);
  }, 60_000);

  // The same modules load on demand when optimize reaches their stage: the zip is written.
  test('optimize still loads the rewrite and the zip writer when it gets there', () => {
    const out = path.join(tmp, 'tiny.opt');
    const r = loads(['optimize', 'fixtures/e2e/tiny', '--handler', 'handler.handler', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(packagesOf(r.files)).toEqual(expect.arrayContaining(['archiver']));
    expect(fs.existsSync(`${out}.zip`)).toBe(true);
  }, 60_000);
});
