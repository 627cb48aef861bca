// Zip in, zip out through the CLI (in process): a deployment zip is optimized into a zip, the same bytes
// as from its folder, the input untouched; analyze and why read a zip too; every hostile zip is refused
// with its own message and exit 2 before anything is written.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli.js';
import { listZip, writeZip } from '../../src/package/zip.js';
import { craftZip, type CraftEntry } from './craft-zip.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-zipin-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'faaslight', ...args], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
/** Our own temporary folders: a run must leave none behind. */
const leftovers = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('faaslight-zip-input-'));

/** A small app with something to make lazy, something to strip, an executable and a link inside it. */
function app(dir: string): string {
  const files: Record<string, string> = {
    'package.json': '{ "private": true, "type": "commonjs" }\n',
    'handler.js': "const heavy = require('./lib/heavy');\nexports.handler = async (event) => ({ n: heavy.double(event.n) });\n",
    'lib/heavy.js': 'exports.double = (n) => n * 2;\n',
    'lib/unused.js': 'module.exports = 1;\n',
    'bin/tool.sh': '#!/bin/sh\necho tool\n',
    'events/two.json': '{ "n": 2 }\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  fs.chmodSync(path.join(dir, 'bin/tool.sh'), 0o755);
  fs.symlinkSync('lib/heavy.js', path.join(dir, 'heavy-link.js'));
  return dir;
}

describe('zip in, zip out', () => {
  const folder = app(path.join(base, 'fn'));
  const zip = path.join(base, 'fn.zip');
  const event = path.join(folder, 'events/two.json');

  beforeAll(() => writeZip(folder, zip));

  test('optimize fn.zip writes fn.opt.zip alone, byte-identical to the folder run, verified, input untouched', async () => {
    const before = sha(zip);
    const fromFolder = await run('optimize', folder, '--out', path.join(base, 'from-folder'), '--handler', 'handler.handler', '--no-report');
    expect(fromFolder.code, fromFolder.err).toBe(0);
    const listed = fs.readdirSync(base).sort();
    const r = await run('optimize', zip, '--handler', 'handler.handler', '--verify', event, '--json');
    expect(r.code, r.err).toBe(0);
    expect(sha(zip)).toBe(before);
    expect(fs.readdirSync(base).sort()).toEqual([...listed, 'fn.opt.report.html', 'fn.opt.zip'].sort());
    expect(sha(path.join(base, 'fn.opt.zip'))).toBe(sha(path.join(base, 'from-folder.zip')));
    const s = JSON.parse(r.out);
    expect(s.app.root).toBe(zip);
    // lib/unused.js is stored; heavy-link.js, unreached too, is the kept lib/heavy.js and stays a link.
    expect(s.package).toMatchObject({ outDir: path.join(base, 'fn.opt.zip'), zipPath: path.join(base, 'fn.opt.zip'), stripped: 1 });
    expect(s.verify.ok).toBe(true);
    expect(r.err).toBe(`report: ${path.join(base, 'fn.opt.report.html')}\n`);
    // Modes and the link survive the round trip.
    const entries = new Map((await listZip(path.join(base, 'fn.opt.zip'))).map((e) => [e.name, e]));
    expect(entries.get('bin/tool.sh')).toMatchObject({ mode: 0o755, isSymlink: false });
    expect(entries.get('heavy-link.js')).toMatchObject({ isSymlink: true });
    expect(leftovers()).toEqual([]);
  });

  test('--out names a zip or a folder; from a folder, --out x.zip writes x.zip and the folder x', async () => {
    const named = await run('optimize', zip, '--handler', 'handler.handler', '--out', path.join(base, 'named.zip'));
    expect(named.code, named.err).toBe(0);
    expect(named.out).toContain(`  written: ${path.join(base, 'named.zip')}\n\n`);
    expect(fs.existsSync(path.join(base, 'named'))).toBe(false);
    const dir = await run('optimize', zip, '--handler', 'handler.handler', '--out', path.join(base, 'as-dir'));
    expect(dir.code, dir.err).toBe(0);
    expect(fs.statSync(path.join(base, 'as-dir')).isDirectory()).toBe(true);
    expect(sha(path.join(base, 'as-dir.zip'))).toBe(sha(path.join(base, 'named.zip')));
    const fromFolder = await run('optimize', folder, '--handler', 'handler.handler', '--out', path.join(base, 'folder-out.zip'));
    expect(fromFolder.code, fromFolder.err).toBe(0);
    expect(fs.statSync(path.join(base, 'folder-out')).isDirectory()).toBe(true);
    expect(sha(path.join(base, 'folder-out.zip'))).toBe(sha(path.join(base, 'named.zip')));
    expect(fs.existsSync(path.join(base, 'folder-out.zip.zip'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('the output cannot be the input, and --out x.zip takes no --zip', async () => {
    const same = await run('optimize', zip, '--handler', 'handler.handler', '--out', zip);
    expect([same.code, same.err]).toEqual([2, `faaslight: the output zip ${zip} is the input: name another with --out\n`]);
    const alias = path.join(base, 'alias.zip');
    fs.symlinkSync(zip, alias);
    const linked = await run('optimize', zip, '--handler', 'handler.handler', '--out', alias);
    expect([linked.code, linked.err]).toEqual([2, `faaslight: the output zip ${alias} is the input: name another with --out\n`]);
    fs.rmSync(alias);
    const both = await run('optimize', folder, '--out', 'x.zip', '--zip', 'y.zip');
    expect([both.code, both.err]).toEqual([2, 'faaslight: --out x.zip names the zip already: drop --zip y.zip\n']);
  });

  test('analyze and why read a zip, naming the zip', async () => {
    const a = await run('analyze', zip, '--handler', 'handler.handler');
    expect(a.code, a.err).toBe(0);
    expect(a.out.split('\n')[0]).toBe(`faaslight: ${zip} (nodejs)`);
    expect(a.out).toMatch(/files: \d+ kept, 2 stripped/);
    const w = await run('why', zip, 'lib/unused.js', '--handler', 'handler.handler');
    expect(w.code, w.err).toBe(0);
    expect(w.out).toBe('lib/unused.js: strip — not reached from any handler, not an asset, not seen by a trace\n');

    const missing = await run('analyze', zip, '--handler', 'nope.handler');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^faaslight: handler "nope\.handler" \(--handler\): no file for it; tried nope\.js/);
    // Messages name the zip, never the temporary folder it was extracted into.
    const none = await run('analyze', zip);
    expect(none.code).toBe(2);
    expect(none.err.startsWith(`faaslight: no handler found in ${zip}: looked for serverless.yml`)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  test('a missing zip is said to be one', async () => {
    const r = await run('optimize', path.join(base, 'gone.zip'));
    expect([r.code, r.err]).toEqual([2, `faaslight: zip not found: ${path.join(base, 'gone.zip')}\n`]);
  });

  test('a file that is not a zip is a usage error', async () => {
    const r = await run('optimize', path.join(folder, 'handler.js'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `faaslight: cannot read ${path.join(folder, 'handler.js')} as a zip: End of central directory record signature not found. Either not a zip file, or file is truncated.\n`,
    );
  });
});

describe('zip in, zip out: Python', () => {
  test('a Python app zip: verified with a stripped module restored at run time, the same zip as its folder gives', async () => {
    const folder = path.join(base, 'py');
    fs.cpSync(path.join(__dirname, '../../fixtures/python/app1'), folder, { recursive: true });
    const zip = path.join(base, 'py.zip');
    await writeZip(folder, zip);
    const before = sha(zip);
    const events = path.join(base, 'py-events');
    fs.mkdirSync(events);
    fs.writeFileSync(path.join(events, 'common.json'), JSON.stringify({ n: 5 }));
    fs.writeFileSync(path.join(events, 'stripped.json'), JSON.stringify({ n: 2, module: 'vlib.unused_mod' }));
    const fromFolder = await run('optimize', folder, '--handler', 'handler.handler', '--out', path.join(base, 'py-folder'));
    expect(fromFolder.code, fromFolder.err).toBe(0);
    const r = await run('optimize', zip, '--handler', 'handler.handler', '--verify', path.join(events, '*.json'), '--no-report', '--json');
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.verify.ok).toBe(true);
    expect(
      s.verify.events.map((e: { event: string; identical: boolean; fallbackLoads: string[] }) => [path.basename(e.event), e.identical, e.fallbackLoads]),
    ).toEqual([
      ['common.json', true, []],
      ['stripped.json', true, ['vendor/vlib/unused_mod.py']],
    ]);
    expect(s.package.stripped).toBe(4);
    expect(sha(path.join(base, 'py.opt.zip'))).toBe(sha(path.join(base, 'py-folder.zip')));
    expect(sha(zip)).toBe(before);
    expect(leftovers()).toEqual([]);
  }, 60_000);
});

const MiB = 1024 * 1024;
const zeros = Buffer.alloc(MiB);
const justUnder = Buffer.alloc(MiB - 1);
const ok: CraftEntry = { name: 'handler.js', data: 'exports.handler = async () => 1;\n' };

const hazards: { name: string; entries: CraftEntry[]; message: string }[] = [
  {
    name: 'path traversal',
    entries: [ok, { name: '../evil.js', data: 'x' }],
    message: 'zip entry "../evil.js" in ZIP escapes the target folder: refusing to extract',
  },
  {
    name: 'traversal inside the name',
    entries: [ok, { name: 'lib/../../evil.js', data: 'x' }],
    message: 'zip entry "lib/../../evil.js" in ZIP escapes the target folder: refusing to extract',
  },
  {
    name: 'absolute path',
    entries: [ok, { name: '/etc/evil.js', data: 'x' }],
    message: 'zip entry "/etc/evil.js" in ZIP is an absolute path: refusing to extract',
  },
  {
    name: 'duplicate name',
    entries: [ok, { name: 'lib/a.js', data: '1' }, { name: 'lib/a.js', data: '2' }],
    message: 'zip entry "lib/a.js" in ZIP appears twice: refusing to extract',
  },
  {
    name: 'duplicate after normalising',
    entries: [ok, { name: 'lib/a.js', data: '1' }, { name: 'lib/./a.js', data: '2' }],
    message: 'zip entry "lib/./a.js" in ZIP names the same path as "lib/a.js": refusing to extract',
  },
  {
    name: 'a file that is also a folder',
    entries: [ok, { name: 'lib', data: '1' }, { name: 'lib/a.js', data: '2' }],
    message: 'zip entry "lib/a.js" in ZIP is below "lib", which is a file: refusing to extract',
  },
  {
    name: 'symlink pointing outside',
    entries: [ok, { name: 'lib/link', data: '../../outside', mode: 0o120777 }],
    message: 'zip entry "lib/link" in ZIP is a symlink to "../../outside" outside the app: refusing to extract',
  },
  {
    name: 'symlink to an absolute path',
    entries: [ok, { name: 'link', data: '/etc/passwd', mode: 0o120777 }],
    message: 'zip entry "link" in ZIP is a symlink to the absolute path "/etc/passwd": refusing to extract',
  },
  {
    name: 'symlinks leaving only together',
    entries: [ok, { name: 'b', data: '.', mode: 0o120777 }, { name: 'c', data: 'b/..', mode: 0o120777 }],
    message: 'zip entry "c" in ZIP is a symlink to "b/.." that resolves outside the target folder: refusing to extract',
  },
  {
    name: 'bomb: compression ratio',
    entries: [ok, { name: 'zeros.bin', data: zeros, deflate: true }],
    message: `zip entry "zeros.bin" in ZIP unpacks ${zlib.deflateRawSync(zeros).length} bytes into 1.00 MiB (over the 100:1 ratio limit for entries of 1.00 MiB or more; a zip bomb?): refusing to extract`,
  },
  {
    name: 'bomb: total size',
    entries: [ok, ...Array.from({ length: 520 }, (_, i): CraftEntry => ({ name: `z/${i}.bin`, data: justUnder, deflate: true }))],
    message: 'zip entry "z/512.bin" in ZIP brings the unzipped size past 512.00 MiB (the limit; a zip bomb?): refusing to extract',
  },
];

describe('hostile zips: exit 2, the exact reason, no output', () => {
  test.each(hazards)('$name', async ({ name, entries, message }) => {
    const dir = fs.mkdtempSync(path.join(base, 'hostile-'));
    const zip = path.join(dir, `${name.replace(/\W+/g, '-')}.zip`);
    fs.writeFileSync(zip, craftZip(entries));
    const before = sha(zip);
    const r = await run('optimize', zip, '--handler', 'handler.handler');
    expect(r.err).toBe(`faaslight: ${message.replace('ZIP', zip)}\n`);
    expect(r.code).toBe(2);
    expect(sha(zip)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual([path.basename(zip)]);
    expect(fs.existsSync(path.join(base, 'evil.js'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});
