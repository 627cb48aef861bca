// End to end: apps with symlinks through the CLI. Links that stay inside the app are kept as links in the
// output folder and in the zip, so every module resolves from its real path as it did (a pnpm node_modules,
// a linked entry file). A link leaving the app is an error naming it (exit 2, nothing written) unless
// --follow-external-links asks for a copy; a loop is a warning; none of these is an internal error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractZip } from '../../src/package/zip.js';
import { cleanEnv } from '../../src/util/env.js';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/faaslight.js');
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fl-e2e-links-')));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The handler's answer from a fresh Node in `dir`, as Lambda loads it (by path, links resolved by Node). */
function answer(dir: string): unknown {
  const r = spawnSync(process.execPath, ['-e', "require(process.cwd() + '/handler.js').handler({}).then((o) => process.stdout.write(JSON.stringify(o)))"], {
    cwd: dir,
    encoding: 'utf8',
    env: cleanEnv(),
  });
  return r.status === 0 ? JSON.parse(r.stdout) : { error: r.stderr.split('\n').find((l) => /Error/.test(l)) };
}

function write(dir: string, files: Record<string, string>, links: Record<string, string> = {}): string {
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  for (const [at, target] of Object.entries(links)) {
    fs.mkdirSync(path.dirname(path.join(dir, at)), { recursive: true });
    fs.symlinkSync(target, path.join(dir, at));
  }
  fs.mkdirSync(path.join(dir, 'events'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'events/basic.json'), '{}');
  return dir;
}

function optimize(app: string, extra: string[] = []) {
  return cli(['optimize', app, '--handler', 'handler.handler', '--out', `${app}.opt`, '--verify', path.join(app, 'events/*.json'), '--json', ...extra]);
}

describe('links inside the app are kept', () => {
  it('a pnpm node_modules: packages are links into .pnpm/, each finding its dependencies beside it', async () => {
    // pnpm's layout: node_modules/<name> -> .pnpm/<name>@<version>/node_modules/<name>, and each package's
    // dependencies are links beside it in .pnpm/<name>@<version>/node_modules/ (plus the hoisted .pnpm/node_modules/).
    const app = write(
      path.join(base, 'pnpm'),
      {
        'package.json': '{ "name": "pnpm-app", "private": true, "dependencies": { "a": "1.0.0" } }\n',
        'handler.js': "const a = require('a');\nexports.handler = async () => a();\n",
        'node_modules/.pnpm/a@1.0.0/node_modules/a/package.json': '{ "name": "a", "version": "1.0.0", "dependencies": { "b": "1.0.0" } }\n',
        'node_modules/.pnpm/a@1.0.0/node_modules/a/index.js':
          "const doctype = require('b/lib/common/doctype');\nmodule.exports = () => ({ a: __filename.includes('.pnpm'), doctype });\n",
        'node_modules/.pnpm/b@1.0.0/node_modules/b/package.json': '{ "name": "b", "version": "1.0.0" }\n',
        'node_modules/.pnpm/b@1.0.0/node_modules/b/index.js': "module.exports = require('./lib/common/doctype');\n",
        'node_modules/.pnpm/b@1.0.0/node_modules/b/lib/common/doctype.js': "module.exports = 'html';\n",
        'node_modules/.pnpm/b@1.0.0/node_modules/b/lib/unused.js': "module.exports = 'never loaded';\n",
        'node_modules/.modules.yaml': 'layoutVersion: 5\nnodeLinker: isolated\n',
      },
      {
        'node_modules/a': '.pnpm/a@1.0.0/node_modules/a',
        'node_modules/.pnpm/a@1.0.0/node_modules/b': '../../b@1.0.0/node_modules/b',
        'node_modules/.pnpm/node_modules/b': '../b@1.0.0/node_modules/b',
      },
    );
    const r = optimize(app);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verify.ok).toBe(true);
    const expected = { a: true, doctype: 'html' };
    expect(answer(app)).toEqual(expected);
    const out = `${app}.opt`;
    expect(answer(out)).toEqual(expected);
    expect(fs.readlinkSync(path.join(out, 'node_modules/a'))).toBe('.pnpm/a@1.0.0/node_modules/a');
    expect(fs.readlinkSync(path.join(out, 'node_modules/.pnpm/a@1.0.0/node_modules/b'))).toBe('../../b@1.0.0/node_modules/b');
    expect(fs.existsSync(path.join(out, 'node_modules/.pnpm/b@1.0.0/node_modules/b/lib/unused.js'))).toBe(false); // stripped
    // The zip is what gets deployed: extracted, it runs the same.
    const unzipped = path.join(base, 'pnpm-unzipped');
    await extractZip(`${out}.zip`, unzipped);
    expect(fs.lstatSync(path.join(unzipped, 'node_modules/a')).isSymbolicLink()).toBe(true);
    expect(answer(unzipped)).toEqual(expected);
    // The safety net still works through the links: a stripped file a package asks for from its real
    // folder is restored from the fallback store.
    const parent = fs.realpathSync(path.join(out, 'node_modules/a/index.js'));
    const script = `const m = require('node:module'); require(${JSON.stringify(path.join(out, 'handler.js'))}); require(${JSON.stringify(path.join(out, '.faaslight/shim.cjs'))}); console.log(m.createRequire(${JSON.stringify(parent)})('b/lib/unused'))`;
    const f = spawnSync(process.execPath, ['-e', script], {
      cwd: out,
      encoding: 'utf8',
      env: cleanEnv({ FAASLIGHT_FALLBACK_DIR: path.join(base, 'pnpm-mirror') }),
    });
    expect(f.stdout).toContain('never loaded');
    expect(f.stderr).toContain('faaslight: fallback load node_modules/.pnpm/a@1.0.0/node_modules/b/lib/unused.js');
  });

  it('a linked entry file resolves its relative requires from its real folder', () => {
    const app = write(
      path.join(base, 'entry'),
      {
        'package.json': '{ "name": "entry-app" }\n',
        'src/real.js': "const util = require('./util');\nexports.handler = async () => ({ util });\n",
        'src/util.js': "module.exports = 'src/util.js';\n",
        'util.js': "module.exports = 'util.js beside the link';\n",
      },
      { 'handler.js': 'src/real.js' },
    );
    const r = optimize(app);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verify.ok).toBe(true);
    expect(answer(app)).toEqual({ util: 'src/util.js' });
    expect(answer(`${app}.opt`)).toEqual({ util: 'src/util.js' });
    expect(fs.readlinkSync(path.join(`${app}.opt`, 'handler.js'))).toBe('src/real.js');
  });

  it('a loop is reported (FL013) and not entered', () => {
    const app = write(
      path.join(base, 'loop'),
      { 'package.json': '{ "name": "loop-app" }\n', 'handler.js': 'exports.handler = async () => ({ ok: true });\n' },
      { 'lib/again': '..' },
    );
    const r = optimize(app);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.diagnostics).toContainEqual(
      expect.objectContaining({ id: 'FL013', severity: 'warning', file: 'lib/again', message: 'symlink lib/again loops back to .: not followed' }),
    );
    expect(answer(`${app}.opt`)).toEqual({ ok: true });
  });
});

describe('links leaving the app', () => {
  const outsideDir = write(path.join(base, 'shared-lib'), { 'index.js': "module.exports = 'shared';\n" });
  const cases = [
    { name: 'a folder outside the app', link: 'lib/shared', target: outsideDir, uses: "require('./lib/shared')" },
    { name: 'a host file (/etc/passwd)', link: 'passwd', target: '/etc/passwd', uses: "require('fs').readFileSync(__dirname + '/passwd', 'utf8').length > 0" },
  ];

  it.each(cases)('$name: an error naming the link, exit 2, no output folder and no zip', ({ link, target, uses }) => {
    const app = write(
      path.join(base, `out-${path.basename(link)}`),
      { 'package.json': '{ "name": "x" }\n', 'handler.js': `exports.handler = async () => ({ v: ${uses} });\n` },
      { [link]: target },
    );
    const r = optimize(app);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`symlink leaving the app: ${link} -> ${target}`);
    expect(r.stderr).toMatch(/--follow-external-links/);
    expect(r.stderr).not.toMatch(/internal error|EISDIR| {4}at /);
    expect(fs.existsSync(`${app}.opt`)).toBe(false);
    expect(fs.existsSync(`${app}.opt.zip`)).toBe(false);
  });

  it.each(cases)('$name with --follow-external-links: packaged as a copy, with a warning, and runs', async ({ name, link, target, uses }) => {
    const app = write(
      path.join(base, `follow-${path.basename(link)}`),
      { 'package.json': '{ "name": "x" }\n', 'handler.js': `exports.handler = async () => ({ v: ${uses} });\n` },
      { [link]: target },
    );
    const r = optimize(app, ['--follow-external-links']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.verify.ok).toBe(true);
    expect(s.diagnostics).toContainEqual(expect.objectContaining({ id: 'FL007', severity: 'warning', file: link }));
    const out = `${app}.opt`;
    expect(fs.lstatSync(path.join(out, link)).isSymbolicLink()).toBe(false);
    expect(answer(out)).toEqual(answer(app));
    expect(answer(out)).toEqual({ v: name.startsWith('a folder') ? 'shared' : true });
  });
});
