import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { FaaslightError } from '../../src/diagnostics.js';
import { extractZip, listZip, writeZip } from '../../src/package/index.js';
import { APP, hashTree, sha256File, tmpDir } from './helpers.js';

const base = tmpDir('fl-zip-');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A copy of the fixture app plus an executable and a native addon, with its own mtimes. */
function tree(name: string, mtime: Date): string {
  const dir = path.join(base, name);
  fs.cpSync(APP, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin.sh'), '#!/bin/sh\necho hi\n', { mode: 0o775 });
  fs.writeFileSync(path.join(dir, 'addon.node'), Buffer.from([0x7f, 0x45, 0x4c, 0x46]), { mode: 0o600 });
  fs.symlinkSync('lib/kept.js', path.join(dir, 'link.js')); // inside the tree: stored as a link
  fs.writeFileSync(path.join(base, `${name}-outside.js`), 'module.exports = 1;\n');
  fs.symlinkSync(path.join(base, `${name}-outside.js`), path.join(dir, 'outside.js')); // leaves the tree: stored as a copy
  const touch = (d: string): void => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      if (fs.lstatSync(p).isDirectory()) touch(p);
      if (!fs.lstatSync(p).isSymbolicLink()) fs.utimesSync(p, mtime, mtime);
    }
  };
  touch(dir);
  return dir;
}

/** A minimal zip (stored entries) with chosen names and Unix modes, to craft hostile archives. */
function craftZip(entries: { name: string; data?: string; mode?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data ?? '');
    const crc = zlib.crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x21, 12); // 1980-01-01
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x21, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, data);
    centrals.push(ch, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('writeZip', () => {
  test('same tree, other folder and mtimes: byte-identical zip', async () => {
    const a = tree('a', new Date('2020-05-01T10:00:00Z'));
    const b = tree('b', new Date('2024-11-30T23:59:59Z'));
    const ra = await writeZip(a, path.join(base, 'a.zip'));
    const rb = await writeZip(b, path.join(base, 'b.zip'));
    expect(rb).toEqual(ra);
    expect(sha256File(path.join(base, 'b.zip'))).toBe(sha256File(path.join(base, 'a.zip')));
  });

  test('entries sorted, files and inside links only, modes 0o755 for executables and .node, else 0o644', async () => {
    const dir = tree('c', new Date());
    await writeZip(dir, path.join(base, 'c.zip'));
    const entries = await listZip(path.join(base, 'c.zip'));
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    expect(entries.every((e) => !e.isDirectory)).toBe(true);
    expect(entries.filter((e) => e.isSymlink).map((e) => e.name)).toEqual(['link.js']);
    const modes = Object.fromEntries(entries.map((e) => [e.name, e.mode.toString(8)]));
    expect(modes).toMatchObject({ 'bin.sh': '755', 'addon.node': '755', 'handler.js': '644', 'outside.js': '644', 'link.js': '777' });
    expect(entries.length).toBe(17);
  });

  test('extractZip restores the tree (inside links as links, outside ones as copies)', async () => {
    const dir = tree('d', new Date());
    await writeZip(dir, path.join(base, 'd.zip'));
    const out = path.join(base, 'd-out');
    const r = await extractZip(path.join(base, 'd.zip'), out);
    expect(r.files).toBe(16);
    expect(fs.readlinkSync(path.join(out, 'link.js'))).toBe('lib/kept.js');
    fs.rmSync(path.join(dir, 'outside.js'));
    fs.writeFileSync(path.join(dir, 'outside.js'), 'module.exports = 1;\n');
    fs.chmodSync(path.join(dir, 'outside.js'), 0o644);
    fs.chmodSync(path.join(dir, 'bin.sh'), 0o755);
    fs.chmodSync(path.join(dir, 'addon.node'), 0o755);
    expect(hashTree(out)).toBe(hashTree(dir));
  });
});

describe('extractZip refuses entries leaving the target folder', () => {
  const hostile: { name: string; entries: { name: string; data?: string; mode?: number }[]; message: RegExp }[] = [
    { name: 'parent path', entries: [{ name: '../evil.txt', data: 'x' }], message: /escapes the target folder/ },
    { name: 'absolute path', entries: [{ name: '/tmp/fl-evil-abs.txt', data: 'x' }], message: /absolute path/ },
    { name: 'normalises outside', entries: [{ name: 'a/../../evil.txt', data: 'x' }], message: /escapes/ },
    { name: 'backslashes', entries: [{ name: '..\\evil.txt', data: 'x' }], message: /backslash/ },
    {
      name: 'symlink pointing outside',
      entries: [{ name: 'link', data: '../../outside', mode: 0o120777 }],
      message: /symlink to "..\/..\/outside"/,
    },
    {
      name: 'write through a chain of links whose real path leaves',
      entries: [
        { name: 'b', data: '.', mode: 0o120777 },
        { name: 'c', data: 'b/..', mode: 0o120777 },
        { name: 'c/evil.txt', data: 'x' },
      ],
      message: /through a symlink/,
    },
    {
      name: 'a chain of links whose real target leaves',
      entries: [
        { name: 'b', data: '.', mode: 0o120777 },
        { name: 'c', data: 'b/..', mode: 0o120777 },
      ],
      message: /symlink to "b\/\.\." that resolves outside/,
    },
  ];
  test.each(hostile)('$name', async ({ entries, message }) => {
    const dir = tmpDir('fl-slip-');
    const zip = path.join(dir, 'evil.zip');
    fs.writeFileSync(zip, craftZip([{ name: 'ok.txt', data: 'fine' }, ...entries]));
    const dest = path.join(dir, 'x', 'dest');
    const err = await extractZip(zip, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaaslightError);
    expect((err as Error).message).toMatch(message);
    expect(fs.existsSync(path.join(dir, 'x', 'evil.txt'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'evil.txt'))).toBe(false);
    expect(fs.existsSync('/tmp/fl-evil-abs.txt')).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'x')).sort()).toEqual(['dest']);
    // no link left behind that leads out of the folder
    for (const n of fs.readdirSync(dest)) expect(fs.realpathSync.native(path.join(dest, n)).startsWith(fs.realpathSync.native(dest))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a benign crafted zip extracts, keeping modes', async () => {
    const dir = tmpDir('fl-slip-');
    fs.writeFileSync(
      path.join(dir, 'ok.zip'),
      craftZip([
        { name: 'bin/run', data: 'x', mode: 0o100755 },
        { name: 'a/b.txt', data: 'y' },
      ]),
    );
    expect(await extractZip(path.join(dir, 'ok.zip'), path.join(dir, 'out'))).toEqual({ files: 2, bytes: 2 });
    expect(fs.statSync(path.join(dir, 'out/bin/run')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(dir, 'out/a/b.txt'), 'utf8')).toBe('y');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
