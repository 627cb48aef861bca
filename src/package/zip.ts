// Deterministic zips (same tree → byte-identical archive) and safe extraction.
// Determinism: entries sorted by path, one fixed timestamp, modes reduced to 0o755/0o644, fixed zlib
// level. Only regular files and symlinks are stored (no directory entries), so neither the folder's
// mtimes nor the order readdir returns can leak into the bytes. A symlink whose target stays inside the
// zipped folder is stored as a link (Node resolves from real paths: a pnpm node_modules needs its links);
// one that leaves it is followed and stored as a copy.
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { diag, FaaslightError } from '../diagnostics.js';
import { abs, isInside } from '../util/paths.js';

/** DOS time has no time zone and starts in 1980; archiver writes it in UTC. */
export const ZIP_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));
const ZIP_LEVEL = 6;

export interface TreeFile {
  /** POSIX path relative to the tree root. */
  rel: string;
  size: number;
  /** Permission bits of the (symlink-followed) file. */
  mode: number;
  /** With `keepLinks`: the link text of a symlink that stays inside the tree (stored as a link, not walked). */
  link?: string;
}

/**
 * Every regular file below `dir`, sorted by path, symlinks followed (a link to a directory is walked
 * once: a link cycle is cut by remembering real directory paths). `skip` drops top-level names.
 * `keepLinks`: a symlink whose real target is inside `dir` is listed as itself (`link`), not followed.
 */
export async function listTree(dir: string, skip: (rel: string) => boolean = () => false, opts: { keepLinks?: boolean } = {}): Promise<TreeFile[]> {
  const out: TreeFile[] = [];
  const seenDirs = new Set<string>();
  const realDir = opts.keepLinks ? await fs.promises.realpath(dir) : '';
  async function walk(absDir: string, relDir: string): Promise<void> {
    const real = await fs.promises.realpath(absDir);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    for (const name of await fs.promises.readdir(absDir)) {
      const rel = relDir ? `${relDir}/${name}` : name;
      if (skip(rel)) continue;
      const p = path.join(absDir, name);
      if (opts.keepLinks && (await fs.promises.lstat(p)).isSymbolicLink()) {
        const target = await fs.promises.realpath(p).catch(() => null);
        if (target === null) continue; // dangling symlink: nothing to package
        if (isInside(realDir, target)) {
          out.push({ rel, size: 0, mode: 0o777, link: await fs.promises.readlink(p) });
          continue;
        }
      }
      let st: fs.Stats;
      try {
        st = await fs.promises.stat(p);
      } catch {
        continue; // dangling symlink: nothing to package
      }
      if (st.isDirectory()) await walk(p, rel);
      else if (st.isFile()) out.push({ rel, size: st.size, mode: st.mode & 0o777 });
    }
  }
  await walk(dir, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Executables and native addons keep an executable mode; everything else is plain 0o644. */
export function zipMode(rel: string, mode: number): number {
  return (mode & 0o111) !== 0 || rel.endsWith('.node') ? 0o755 : 0o644;
}

/** Zips every regular file below `dir` (and each symlink staying inside it, as a link) into `zipPath` deterministically. */
export async function writeZip(dir: string, zipPath: string): Promise<{ bytes: number; files: number }> {
  const files = await listTree(dir, undefined, { keepLinks: true });
  await fs.promises.mkdir(path.dirname(zipPath), { recursive: true });
  // archiver (and its streams) is loaded only when a zip is written: measure and analyze read or write none.
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: ZIP_LEVEL }, forceLocalTime: false });
  const output = fs.createWriteStream(zipPath);
  const done = new Promise<void>((resolve, reject) => {
    output.on('close', resolve);
    output.on('error', reject);
    archive.on('error', reject);
    archive.on('warning', reject); // a file we listed vanished: the zip would silently lack it
  });
  archive.pipe(output);
  for (const f of files) {
    if (f.link !== undefined) {
      // The link's own lstat makes archiver store it as a link (readlink), with our date and mode.
      const lstats = await fs.promises.lstat(abs(dir, f.rel));
      archive.file(abs(dir, f.rel), { name: f.rel, date: ZIP_DATE, mode: 0o777, stats: lstats });
      continue;
    }
    // Passing stats lets archiver skip its own lstat (which would store symlinks as links).
    const stats = await fs.promises.stat(abs(dir, f.rel));
    // The fallback store is gzip data already: deflating it again costs seconds and saves nothing.
    const store = f.rel.startsWith('.faaslight/fallback/') && f.rel.endsWith('.bin');
    // `store` is a per-entry option of archiver's zip format that its EntryData type does not list.
    archive.file(abs(dir, f.rel), { name: f.rel, date: ZIP_DATE, mode: zipMode(f.rel, f.mode), stats, store } as Parameters<typeof archive.file>[1]);
  }
  await archive.finalize();
  await done;
  return { bytes: (await fs.promises.stat(zipPath)).size, files: files.length };
}

export interface ZipEntryInfo {
  name: string;
  size: number;
  compressedSize: number;
  /** Unix permission bits (0 when the zip was made on a system that does not store them). */
  mode: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

/** File-type bits of a zip entry's Unix mode (external attributes >>> 16). */
export const S_IFMT = 0o170000;
export const S_IFLNK = 0o120000;

function entryInfo(e: yauzl.Entry): ZipEntryInfo {
  const unix = (e.externalFileAttributes >>> 16) & 0xffff;
  return {
    name: e.fileName,
    size: e.uncompressedSize,
    compressedSize: e.compressedSize,
    mode: unix & 0o777,
    isDirectory: e.fileName.endsWith('/'),
    isSymlink: (unix & S_IFMT) === S_IFLNK,
  };
}

/** Why a zip entry name may not be written below a folder, or undefined when it is safe. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  const norm = path.posix.normalize(name);
  if (norm === '..' || norm.startsWith('../')) return 'escapes the target folder';
  return undefined;
}

function zipSlip(zipPath: string, name: string, why: string): FaaslightError {
  const message = `zip entry "${name}" in ${zipPath} ${why}: refusing to extract`;
  return new FaaslightError(message, 1, diag('FL402', 'error', message, { file: zipPath }));
}

/** Visits every entry in order; `onEntry` may read the entry through the given zip file. */
async function eachEntry(zipPath: string, onEntry: (zip: yauzl.ZipFile, e: yauzl.Entry) => Promise<void>): Promise<void> {
  // decodeStrings=false: yauzl's own name check would throw a generic error; ours names the entry.
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, autoClose: false } as yauzl.Options, (err, z) => (err ? reject(err) : resolve(z))),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (e: yauzl.Entry) => {
        // Undecoded names are Buffers: zips from faaslight and Lambda tooling are UTF-8.
        const raw = e.fileName as unknown as Buffer | string;
        e.fileName = typeof raw === 'string' ? raw : raw.toString('utf8');
        onEntry(zip, e).then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

export async function listZip(zipPath: string): Promise<ZipEntryInfo[]> {
  const out: ZipEntryInfo[] = [];
  await eachEntry(zipPath, async (_zip, e) => {
    out.push(entryInfo(e));
  });
  return out;
}

/**
 * Extracts `zipPath` into `destDir` (created if missing). An entry whose normalised path is absolute
 * or escapes `destDir`, or a symlink pointing outside it, ends the job with a FaaslightError before
 * anything is written for that entry.
 */
export async function extractZip(zipPath: string, destDir: string): Promise<{ files: number; bytes: number }> {
  await fs.promises.mkdir(destDir, { recursive: true });
  const dest = await fs.promises.realpath(destDir);
  let files = 0;
  let bytes = 0;
  const links: { name: string; at: string; link: string }[] = [];
  let failure: unknown;
  try {
    await eachEntry(zipPath, async (zip, e) => {
      const info = entryInfo(e);
      const why = unsafeEntryName(info.name);
      if (why) throw zipSlip(zipPath, info.name, why);
      const target = path.resolve(dest, info.name);
      if (!isInside(dest, target)) throw zipSlip(zipPath, info.name, 'escapes the target folder');
      if (info.isDirectory) {
        await fs.promises.mkdir(target, { recursive: true });
        return;
      }
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      // Lexical checks are not enough once symlinks exist: a parent folder may be a link whose real
      // location is elsewhere, so the folder we are about to write into must really be inside.
      if (!isInside(dest, await fs.promises.realpath(path.dirname(target))))
        throw zipSlip(zipPath, info.name, 'is written through a symlink that leaves the target folder');
      const content = await readEntry(zip, e);
      if (info.isSymlink) {
        const link = content.toString('utf8');
        if (!isInside(dest, path.resolve(path.dirname(target), link))) throw zipSlip(zipPath, info.name, `is a symlink to "${link}" outside the target folder`);
        await fs.promises.rm(target, { force: true });
        await fs.promises.symlink(link, target);
        links.push({ name: info.name, at: target, link });
        return;
      }
      await fs.promises.rm(target, { force: true }); // never write through an existing link
      await fs.promises.writeFile(target, content);
      if (info.mode) await fs.promises.chmod(target, info.mode);
      files++;
      bytes += content.length;
    });
  } catch (err) {
    failure = err;
  }
  // A link checked lexically may still leave through another link ("c" -> "b/.." with "b" -> "."):
  // each link's real target must be inside too (a dangling link may not climb with "..", since what
  // it will point to is unknown). Checked also after a failure, so no escaping link is left behind.
  for (const l of links) {
    const real = await fs.promises.realpath(l.at).catch(() => null);
    const escapes = real === null ? l.link.split('/').includes('..') : !isInside(dest, real);
    if (escapes) {
      await fs.promises.rm(l.at, { force: true });
      failure ??= zipSlip(zipPath, l.name, `is a symlink to "${l.link}" that resolves outside the target folder`);
    }
  }
  if (failure !== undefined) throw failure;
  return { files, bytes };
}

/** The whole (inflated) content of one entry. */
export function readEntry(zip: yauzl.ZipFile, e: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(e, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    }),
  );
}
