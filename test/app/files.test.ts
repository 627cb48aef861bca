import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, readText } from '../../src/util/files.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'faaslight-files-'));
  root = path.join(base, 'app');
  const files: Record<string, string> = {
    'b.js': 'bb',
    'a/x.js': 'x',
    'a/deep/y.json': '{}',
    'Z.txt': 'zzz',
  };
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  await writeFile(path.join(base, 'outside.txt'), 'outside!');
  await mkdir(path.join(base, 'outdir'));
  await writeFile(path.join(base, 'outdir', 'o.js'), 'o');
  await symlink('../outside.txt', path.join(root, 'link-out.txt'));
  await symlink('../outdir', path.join(root, 'dir-out'));
  await symlink('b.js', path.join(root, 'link-in.js'));
  await symlink('..', path.join(root, 'a', 'deep', 'loop')); // cycle back to an ancestor
  await symlink('a/deep', path.join(root, 'deep-alias'));
  await symlink('missing.js', path.join(root, 'dangling.js'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('listFiles', () => {
  it('lists regular files sorted, follows links inside, flags links outside, survives cycles', async () => {
    const res = await listFiles(root);
    expect(res.files).toEqual([
      'Z.txt',
      'a/deep/y.json',
      'a/x.js',
      'b.js',
      'deep-alias/loop/deep/y.json',
      'deep-alias/loop/x.js',
      'deep-alias/y.json',
      'dir-out',
      'link-in.js',
      'link-out.txt',
    ]);
    // 3 + 2 + 1 + 2 + (alias: 2 + 1 + 2) + link-in 2 + link-out 8
    expect(res.bytes).toBe(23);
    expect(res.symlinks.map((s) => [s.path, s.outside])).toEqual([
      ['a/deep/loop', false],
      ['dangling.js', false],
      ['deep-alias', false],
      ['deep-alias/loop', false],
      ['deep-alias/loop/deep/loop', false],
      ['dir-out', true],
      ['link-in.js', false],
      ['link-out.txt', true],
    ]);
    expect(res.diagnostics.map((d) => [d.id, d.file])).toEqual([
      ['FL007', 'dangling.js'],
      ['FL007', 'dir-out'],
      ['FL007', 'link-out.txt'],
    ]);
  });
});

describe('readText', () => {
  it('reads UTF-8 and keeps a BOM', async () => {
    const f = path.join(base, 'bom.js');
    await writeFile(f, '\uFEFFconst é = 1;');
    expect(await readText(f)).toEqual({ text: '\uFEFFconst é = 1;' });
  });
  it('FL008 for bytes that are not UTF-8', async () => {
    const f = path.join(base, 'latin1.js');
    await writeFile(f, Buffer.from([0x63, 0xe9, 0x0a]));
    const res = await readText(f, undefined, 'latin1.js');
    expect(res).toEqual({ error: expect.objectContaining({ id: 'FL008', file: 'latin1.js' }) });
  });
  it('FL009 over the size limit', async () => {
    const f = path.join(base, 'big.js');
    await writeFile(f, 'x'.repeat(100));
    const res = await readText(f, 99, 'big.js');
    expect(res).toEqual({ error: expect.objectContaining({ id: 'FL009', file: 'big.js' }) });
    expect(await readText(f, 100)).toEqual({ text: 'x'.repeat(100) });
  });
});
