// `faaslight analyze --json` and `faaslight why` show the plan's lazy values, Python stubs and bundle
// units with their reasons, before anything is written (the built CLI, bin/faaslight.js over dist/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanEnv } from '../../src/util/env.js';
import { repo } from '../graph/helpers.js';

const CLI = path.join(repo, 'bin/faaslight.js');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-plan-cli-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// fixtures/bundle/dynamic builds `const located = locator.where(…)` at module scope (a lazy value of the
// lazy import of locator) and bundles the handler and locator separately.
const js = path.join(tmp, 'dynamic');
fs.cpSync(path.join(repo, 'fixtures/bundle/dynamic'), js, { recursive: true });
for (const dir of fs.readdirSync(js, { recursive: true }) as string[])
  if (path.basename(dir) === '_node_modules') fs.renameSync(path.join(js, dir), path.join(js, path.dirname(dir), 'node_modules'));
const py = path.join(repo, 'fixtures/python/app1');
const built = fs.existsSync(path.join(repo, 'dist/cli.js'));

describe.skipIf(!built)('analyze --json and why show the decisions the plan made for the rewrite', () => {
  test('JavaScript: lazy values and bundle units, with their reasons', () => {
    const r = cli(['analyze', js, '--handler', 'handler.handler', '--bundle', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.plan.values.map((v: any) => [v.name, v.line, v.decision, v.reason.code])).toEqual([['located', 9, 'lazy', 'deferred-value']]);
    expect(s.lazyValues.map((v: any) => [v.name, v.applied, v.code])).toEqual([['located', true, 'deferred-value']]);
    expect(s.plan.units.units.map((u: any) => [u.root, u.kind, u.reason.code])).toEqual([
      ['handler.js', 'handler', 'handler-unit'],
      ['node_modules/locator/index.js', 'lazy', 'lazy-unit'],
    ]);
    expect(s.plan.units.unbundled['node_modules/greeter/index.js'].code).toBe('dynamic-request');
    expect(s.units.map((u: any) => [u.root, u.files, u.code])).toEqual([
      ['handler.js', 5, 'handler-unit'],
      ['node_modules/locator/index.js', 2, 'lazy-unit'],
    ]);

    const text = cli(['analyze', js, '--handler', 'handler.handler', '--bundle']);
    expect(text.stdout).toContain('lazy values (built at first use instead of at init):\n  handler.js:9  located (reads locator)\n');
    expect(text.stdout).toContain(
      'bundle units (planned, 2):\n  handler.js  handler cjs  5 files: handler file: replaced in place by one CommonJS bundle of the 5 files only it evaluates\n',
    );
  });

  test.each([
    ['a lazy value by name', 'located', /^handler\.js:9 value located \(reads locator\): built at first use {2}\[deferred-value\] referenced only after init/m],
    ['a lazy value by file:line', 'handler.js:9', /^handler\.js:9 value located .*\[deferred-value\]/m],
    [
      'the root of a bundle unit',
      'node_modules/locator/index.js',
      /^bundle: root of the lazy bundle \(cjs, 2 files\) {2}\[lazy-unit\] lazy target, loaded at first use: replaced in place/m,
    ],
    ['a file inside a bundle', 'lib/format.js', /^bundle: inside the handler bundle of handler\.js \(evaluated only by it\)$/m],
    ['a file that stays a file', 'node_modules/greeter/index.js', /^bundle: stays a file {2}\[dynamic-request\] /m],
  ])('why: %s', (_, query, line) => {
    const r = cli(['why', js, query, '--handler', 'handler.handler', '--bundle']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(line);
  });

  test('Python: stubs, with their reasons', () => {
    const r = cli(['analyze', py, '--handler', 'handler.handler', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    const stub = s.plan.stubs.find((x: any) => x.qualname === 'kw_defaults');
    expect(stub).toEqual({
      file: 'vendor/vlib/__init__.py',
      qualname: 'kw_defaults',
      line: 20,
      endLine: 25,
      saved: 156,
      decision: 'stub',
      reason: {
        code: 'unreached-function',
        text: 'no reached code refers to kw_defaults: replaced by a stub that compiles the original at its first call',
        parent: 'vendor/vlib/__init__.py',
      },
    });
    expect(s.counts.stubbed).toBe(s.plan.stubs.filter((x: any) => x.decision === 'stub').length);
    expect(s.decisions.filter((d: any) => d.decision === 'stubbed').map((d: any) => d.specifier)).toContain('def kw_defaults');

    for (const query of ['kw_defaults', 'vendor/vlib/__init__.py:22']) {
      const w = cli(['why', py, query, '--handler', 'handler.handler']);
      expect(w.code, w.stderr).toBe(0);
      expect(w.stdout).toContain('vendor/vlib/__init__.py:20 def kw_defaults: stubbed  [unreached-function] no reached code refers to kw_defaults');
    }
  });
});
