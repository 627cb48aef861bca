import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { FaaslightError } from '../../src/diagnostics.js';
import { gzipDeterministic, readFallbackFile, readFallbackIndex, writeFallbackStore } from '../../src/package/index.js';
import { storedNames } from '../../src/package/fallback-store.js';
import { APP, tmpDir } from './helpers.js';

const FILES = ['node_modules/left-pad/repeat.js', 'lib/stripped-rel.js', 'node_modules/left-pad/index.js'];
const dirs: string[] = [];
const newDir = (): string => {
  const d = tmpDir('fl-store-');
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

describe('fallback store', () => {
  test('gzip members have mtime 0 and the Unix OS byte', () => {
    const gz = gzipDeterministic(Buffer.from('hello'));
    // XFL (byte 8) is 0 at zlib level 6.
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(zlib.gunzipSync(gz).toString()).toBe('hello');
  });

  test('index follows the documented format; members are contiguous, in sorted order', async () => {
    const out = newDir();
    const r = await writeFallbackStore(APP, FILES, out);
    const indexText = fs.readFileSync(path.join(out, '.faaslight/fallback/index.json'), 'utf8');
    const store = fs.readFileSync(path.join(out, '.faaslight/fallback/store.bin'));
    const index = JSON.parse(indexText);
    const sorted = [...FILES].sort();
    expect(Object.keys(index)).toEqual(['version', 'files']);
    expect(index.version).toBe(1);
    expect(Object.keys(index.files)).toEqual(sorted);
    let offset = 0;
    for (const rel of sorted) {
      const original = fs.readFileSync(path.join(APP, rel));
      const e = index.files[rel];
      expect(e).toEqual({
        offset,
        length: e.length,
        size: original.length,
        mode: fs.statSync(path.join(APP, rel)).mode & 0o777,
        sha256: sha(original),
      });
      expect(zlib.gunzipSync(store.subarray(e.offset, e.offset + e.length))).toEqual(original);
      offset += e.length;
    }
    expect(store.length).toBe(offset);
    expect(r).toEqual({ files: 3, bytes: store.length + Buffer.byteLength(indexText), index });
  });

  test('same input, other folder: byte-identical store', async () => {
    const a = newDir();
    const b = newDir();
    await writeFallbackStore(APP, FILES, a);
    await writeFallbackStore(APP, [...FILES].reverse(), b);
    for (const f of ['index.json', 'store.bin'])
      expect(sha(fs.readFileSync(path.join(b, '.faaslight/fallback', f)))).toBe(sha(fs.readFileSync(path.join(a, '.faaslight/fallback', f))));
  });

  test('contents override the stored bytes (a transformed file that was stripped)', async () => {
    const out = newDir();
    await writeFallbackStore(APP, ['lib/stripped-rel.js'], out, new Map([['lib/stripped-rel.js', 'changed']]));
    const index = (await readFallbackIndex(out))!;
    expect((await readFallbackFile(out, index, 'lib/stripped-rel.js')).toString()).toBe('changed');
  });

  test('reader: round trip, absent store, corrupt index, corrupt member', async () => {
    const out = newDir();
    await writeFallbackStore(APP, FILES, out);
    const index = (await readFallbackIndex(out))!;
    for (const rel of FILES) expect(await readFallbackFile(out, index, rel)).toEqual(fs.readFileSync(path.join(APP, rel)));
    expect(await readFallbackIndex(newDir())).toBeNull();

    const bad = newDir();
    fs.mkdirSync(path.join(bad, '.faaslight/fallback'), { recursive: true });
    fs.writeFileSync(path.join(bad, '.faaslight/fallback/index.json'), '{"version":2,"files":{}}');
    await expect(readFallbackIndex(bad)).rejects.toThrow(FaaslightError);

    const store = path.join(out, '.faaslight/fallback/store.bin');
    const bytes = fs.readFileSync(store);
    const e = index.files['lib/stripped-rel.js'];
    bytes[e.offset + e.length - 1] ^= 1; // ISIZE of the gzip trailer
    fs.writeFileSync(store, bytes);
    await expect(readFallbackFile(out, index, 'lib/stripped-rel.js')).rejects.toThrow(FaaslightError);
  });
});

describe('storedNames (what shim.cjs answers a miss from)', () => {
  test.each([
    { files: [], packages: [], dirs: [] },
    { files: ['handler.js', 'lib/a.js'], packages: [], dirs: ['', 'lib'] },
    { files: ['node_modules/left-pad/index.js'], packages: ['left-pad'], dirs: ['', 'node_modules', 'node_modules/left-pad'] },
    {
      files: ['node_modules/@aws-sdk/client-s3/dist-cjs/index.js'],
      packages: ['@aws-sdk/client-s3'],
      dirs: ['', 'node_modules', 'node_modules/@aws-sdk', 'node_modules/@aws-sdk/client-s3', 'node_modules/@aws-sdk/client-s3/dist-cjs'],
    },
    {
      files: ['node_modules/a/node_modules/b/x.js', 'node_modules/a/y.js'],
      packages: ['a', 'b'],
      dirs: ['', 'node_modules', 'node_modules/a', 'node_modules/a/node_modules', 'node_modules/a/node_modules/b'],
    },
    { files: ['node_modules/z/x.js', 'node_modules/B/x.js'], packages: ['B', 'z'], dirs: ['', 'node_modules', 'node_modules/B', 'node_modules/z'] },
  ])('$files', ({ files, packages, dirs }) => {
    expect(storedNames(files)).toEqual({ packages, dirs });
  });
});
