// Writer and reader of the fallback store (format v1, docs/fallback-store.md). Shared by the Node
// and Python packaging steps; the runtime shims read the same files with their standard library.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { diag, FaaslightError } from '../diagnostics.js';
import { abs } from '../util/paths.js';

export const STORE_DIR = '.faaslight/fallback';
export const INDEX_FILE = `${STORE_DIR}/index.json`;
export const STORE_FILE = `${STORE_DIR}/store.bin`;
/** Node only: which packages and folders have stored files, read by shim.cjs on a miss. */
export const NAMES_FILE = `${STORE_DIR}/names.json`;

export interface FallbackEntry {
  offset: number;
  length: number;
  size: number;
  mode: number;
  sha256: string;
}

export interface FallbackIndex {
  version: 1;
  files: Record<string, FallbackEntry>;
}

export interface FallbackStoreResult {
  /** Number of files stored. */
  files: number;
  /** Bytes of index.json + store.bin. */
  bytes: number;
  index: FallbackIndex;
}

/** Gzip header bytes 4-7 are the mtime, byte 9 the OS. */
const GZIP_OS_UNIX = 3;

/**
 * One deterministic gzip member. Node writes mtime 0 already (zlib without a gz header struct); the OS
 * byte is zlib's compile-time OS_CODE, which differs on Windows builds, so it is pinned to Unix.
 */
export function gzipDeterministic(data: Buffer): Buffer {
  const gz = zlib.gzipSync(data, { level: 6 });
  if (gz.readUInt32LE(4) !== 0) gz.writeUInt32LE(0, 4);
  gz[9] = GZIP_OS_UNIX;
  return gz;
}

/** Code-unit order, the same in every locale and in Python's sorted(). */
function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Stores `files` (paths relative to `root`, symlinks followed) under `<outDir>/.faaslight/fallback/`.
 * `contents` replaces the bytes of some files (a transformed source that was then stripped); the mode
 * still comes from the original. The same input gives byte-identical index.json and store.bin.
 */
export async function writeFallbackStore(
  root: string,
  files: string[],
  outDir: string,
  contents: ReadonlyMap<string, string | Buffer> = new Map(),
): Promise<FallbackStoreResult> {
  const sorted = [...new Set(files)].sort(byPath);
  const dir = abs(outDir, STORE_DIR);
  await fs.promises.mkdir(dir, { recursive: true });
  const out = await fs.promises.open(abs(outDir, STORE_FILE), 'w');
  const index: FallbackIndex = { version: 1, files: {} };
  let offset = 0;
  try {
    for (const rel of sorted) {
      const src = abs(root, rel);
      const st = await fs.promises.stat(src);
      const override = contents.get(rel);
      const data = override === undefined ? await fs.promises.readFile(src) : Buffer.from(override);
      const gz = gzipDeterministic(data);
      await out.write(gz);
      index.files[rel] = {
        offset,
        length: gz.length,
        size: data.length,
        mode: st.mode & 0o777,
        sha256: crypto.createHash('sha256').update(data).digest('hex'),
      };
      offset += gz.length;
    }
  } finally {
    await out.close();
  }
  const json = JSON.stringify(index);
  await fs.promises.writeFile(abs(outDir, INDEX_FILE), json);
  return { files: sorted.length, bytes: offset + Buffer.byteLength(json), index };
}

export interface StoredNames {
  /** Every package with a stored file below some node_modules folder (nested ones too). */
  packages: string[];
  /** Every folder holding a stored file, and their ancestors ('' = the package root). */
  dirs: string[];
}

/**
 * What shim.cjs answers a miss from without reading the index: a bare request names a package in
 * `packages`, a relative one lies in a folder of `dirs` (restore.cjs applies the same rules to the
 * index). Both in code-unit order.
 */
export function storedNames(files: Iterable<string>): StoredNames {
  const packages = new Set<string>();
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let k = parts.indexOf('node_modules'); k >= 0 && k + 1 < parts.length; k = parts.indexOf('node_modules', k + 1))
      packages.add(parts[k + 1].startsWith('@') ? `${parts[k + 1]}/${parts[k + 2]}` : parts[k + 1]);
    for (let i = parts.length - 1; i >= 0; i--) {
      const d = parts.slice(0, i).join('/');
      if (dirs.has(d)) break;
      dirs.add(d);
    }
  }
  return { packages: [...packages].sort(byPath), dirs: [...dirs].sort(byPath) };
}

function corrupt(dir: string, why: string): FaaslightError {
  const message = `fallback store in ${dir} is unreadable: ${why}`;
  return new FaaslightError(message, 1, diag('FL403', 'error', message, { file: path.join(dir, INDEX_FILE) }));
}

/** The index of the store in package folder `dir`, or null when the package has no store. */
export async function readFallbackIndex(dir: string): Promise<FallbackIndex | null> {
  let text: string;
  try {
    text = await fs.promises.readFile(abs(dir, INDEX_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw corrupt(dir, (e as Error).message);
  }
  let index: FallbackIndex;
  try {
    index = JSON.parse(text) as FallbackIndex;
  } catch (e) {
    throw corrupt(dir, `index.json is not JSON (${(e as Error).message})`);
  }
  if (index?.version !== 1 || typeof index.files !== 'object' || index.files === null)
    throw corrupt(dir, `unsupported index version ${JSON.stringify(index?.version)}`);
  return index;
}

/** The original bytes of one stored file, checked against its sha256. */
export async function readFallbackFile(dir: string, index: FallbackIndex, rel: string): Promise<Buffer> {
  const e = index.files[rel];
  if (!e) throw corrupt(dir, `no entry for ${rel}`);
  const fh = await fs.promises.open(abs(dir, STORE_FILE), 'r');
  try {
    const gz = Buffer.alloc(e.length);
    await fh.read(gz, 0, e.length, e.offset);
    let data: Buffer;
    try {
      data = zlib.gunzipSync(gz);
    } catch (err) {
      throw corrupt(dir, `${rel}: ${(err as Error).message}`);
    }
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    if (data.length !== e.size || sha !== e.sha256) throw corrupt(dir, `${rel} does not match its sha256`);
    return data;
  } finally {
    await fh.close();
  }
}

/** Name of the writable mirror folder below `<tmpdir>/faaslight-fallback/` (first 12 hex of sha256(index.json)). */
export function mirrorKey(indexJsonBytes: Buffer | string): string {
  return crypto.createHash('sha256').update(indexJsonBytes).digest('hex').slice(0, 12);
}
