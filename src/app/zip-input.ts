// Zip in, zip out: a deployment zip (what `serverless package`, `sam build` and CI hand over) is checked
// whole before anything is written, extracted into a private temporary folder, and the pipeline runs on
// that folder; the user gets a zip back. The input zip is only read. A hostile zip is a usage error
// (exit 2) found before the first byte is extracted, so there is never partial output.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { diag, FaaslightError, UsageError } from '../diagnostics.js';
import type { JobOptions } from '../job.js';
import { extractZip, readEntry, S_IFLNK, S_IFMT, unsafeEntryName } from '../package/zip.js';

const MiB = 1024 * 1024;

/**
 * Zip bomb limits. No deployable package unpacks to more than maxBytes (Lambda allows 250 MB unzipped,
 * Cloud Functions 500 MB). Deflate reaches about 1000:1 on runs of one byte, while code and data files
 * stay far below 100:1; small entries are exempt since a few KB of zeros is harmless.
 */
export const ZIP_LIMITS = { maxBytes: 512 * MiB, maxRatio: 100, ratioFrom: MiB } as const;

const S_IFREG = 0o100000;
/** A link's text is a path: anything longer is not one. */
const MAX_LINK_BYTES = 4096;

function hostile(zipPath: string, name: string, why: string): UsageError {
  const message = `zip entry "${name}" in ${zipPath} ${why}: refusing to extract`;
  return new UsageError(message, diag('FL402', 'error', message, { file: zipPath }));
}

const mib = (n: number) => `${(n / MiB).toFixed(2)} MiB`;

interface RawEntry {
  name: string;
  size: number;
  compressedSize: number;
  kind: 'file' | 'dir' | 'link';
  entry: yauzl.Entry;
}

function kindOf(name: string, e: yauzl.Entry): RawEntry['kind'] {
  const type = (e.externalFileAttributes >>> 16) & 0xffff & S_IFMT;
  if (type === S_IFLNK) return 'link';
  if (name.endsWith('/')) return 'dir';
  return type === 0 || type === S_IFREG ? 'file' : 'dir';
}

/**
 * Checks every entry of the central directory before anything is extracted: names (traversal, absolute
 * paths, duplicates, a file that is also a folder), symlink targets, and the sizes against ZIP_LIMITS.
 * The declared sizes can be trusted for the limits because yauzl refuses an entry whose data inflates
 * past its declared size (validateEntrySizes). Chains of links that leave only together are caught by
 * extractZip, which resolves each link after writing it.
 */
export async function checkZip(
  zipPath: string,
  limits: { maxBytes: number; maxRatio: number; ratioFrom: number } = ZIP_LIMITS,
): Promise<{ entries: number; bytes: number }> {
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings=false: yauzl's own name check throws a generic error; ours names the entry and the hazard.
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, autoClose: false } as yauzl.Options, (err, z) => (err ? reject(err) : resolve(z))),
    );
  } catch (e) {
    throw new UsageError(`cannot read ${zipPath} as a zip: ${(e as Error).message}`, diag('FL001', 'error', `not a readable zip: ${zipPath}`));
  }
  const entries: RawEntry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (e: yauzl.Entry) => {
        const raw = e.fileName as unknown as Buffer | string;
        const name = typeof raw === 'string' ? raw : raw.toString('utf8');
        entries.push({ name, size: e.uncompressedSize, compressedSize: e.compressedSize, kind: kindOf(name, e), entry: e });
        zip.readEntry();
      });
      zip.readEntry();
    });

    let bytes = 0;
    const seen = new Map<string, RawEntry>();
    for (const e of entries) {
      const why = unsafeEntryName(e.name);
      if (why) throw hostile(zipPath, e.name, why);
      const key = path.posix.normalize(e.name).replace(/\/+$/, '');
      const first = seen.get(key);
      // Two folder entries for one folder are harmless; two files at one path leave which one deploys to the unzipper.
      if (first && !(first.kind === 'dir' && e.kind === 'dir'))
        throw hostile(zipPath, e.name, first.name === e.name ? 'appears twice' : `names the same path as "${first.name}"`);
      seen.set(key, e);
      bytes += e.size;
      if (bytes > limits.maxBytes) throw hostile(zipPath, e.name, `brings the unzipped size past ${mib(limits.maxBytes)} (the limit; a zip bomb?)`);
      if (e.size >= limits.ratioFrom && e.size > limits.maxRatio * e.compressedSize)
        throw hostile(
          zipPath,
          e.name,
          `unpacks ${e.compressedSize} bytes into ${mib(e.size)} (over the ${limits.maxRatio}:1 ratio limit for entries of ${mib(limits.ratioFrom)} or more; a zip bomb?)`,
        );
    }
    for (const [key, e] of seen) {
      const parts = key.split('/');
      for (let i = 1; i < parts.length; i++) {
        const above = seen.get(parts.slice(0, i).join('/'));
        if (above && above.kind === 'file') throw hostile(zipPath, e.name, `is below "${above.name}", which is a file`);
      }
    }
    for (const e of entries) {
      if (e.kind !== 'link') continue;
      if (e.size > MAX_LINK_BYTES) throw hostile(zipPath, e.name, `is a symlink of ${e.size} bytes, not a path`);
      const link = (await readEntry(zip, e.entry)).toString('utf8');
      if (path.posix.isAbsolute(link)) throw hostile(zipPath, e.name, `is a symlink to the absolute path "${link}"`);
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(path.posix.normalize(e.name)), link));
      if (target === '..' || target.startsWith('../')) throw hostile(zipPath, e.name, `is a symlink to "${link}" outside the app`);
    }
    return { entries: entries.length, bytes };
  } finally {
    zip.close();
  }
}

/** Checks the zip whole, then extracts it into `into`; every hazard is a usage error (exit 2). */
export async function extractChecked(zipPath: string, into: string): Promise<void> {
  await checkZip(zipPath);
  try {
    await extractZip(zipPath, into);
  } catch (e) {
    // What only the extraction can see (a chain of links leaving together) is still the zip's fault: a usage error.
    if (e instanceof FaaslightError && e.diagnostic?.id === 'FL402') throw new UsageError(e.message, e.diagnostic);
    throw e;
  }
}

export const isZipPath = (p: string) => p.toLowerCase().endsWith('.zip');
const withoutZip = (p: string) => p.replace(/\.zip$/i, '');

/** The input the user gave, as the pipeline runs it. */
export interface AppInput {
  /** The options for the pipeline: a folder input, the output folder and zip resolved. */
  options: JobOptions;
  /** The zip the user gave, when the input is one. */
  zip?: string;
  /** The output is the zip alone: its folder lives in the private temporary folder. */
  zipOnly: boolean;
  /** Where the HTML report goes (next to what the user gets). */
  reportPath: string;
  /** Puts the user's paths in place of the temporary folder's, in any result or message. */
  present<T>(value: T): T;
}

/** Replaces `from` by `to` in every string of a JSON-like value. */
function renamed<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return value.split(from).join(to) as T;
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, to)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, from, to)])) as T;
  return value;
}

/**
 * Runs `fn` on the input as the pipeline takes it. A folder is passed through (an `--out x.zip` writes
 * x.zip and, as for every folder input, the folder x next to it). A zip is checked and extracted into a
 * private temporary folder, removed afterwards whatever happens; by default the output is `<name>.opt.zip`
 * alone, `--out y.zip` names it, and `--out dir` writes the folder dir and dir.zip as for a folder input.
 */
export async function withAppInput<T>(options: JobOptions, fn: (input: AppInput) => Promise<T>): Promise<T> {
  const input = path.resolve(options.input);
  const st = await fsp.stat(input).catch(() => undefined);
  const outZip = options.out !== undefined && isZipPath(options.out);
  if (outZip && options.zipPath !== undefined) throw new UsageError(`--out ${options.out} names the zip already: drop --zip ${options.zipPath}`);

  if (!st && isZipPath(input)) throw new UsageError(`zip not found: ${input}`, diag('FL001', 'error', `zip not found: ${input}`));
  if (!st?.isFile()) {
    const out = outZip ? withoutZip(path.resolve(options.out as string)) : options.out;
    const zipPath = outZip ? path.resolve(options.out as string) : options.zipPath;
    const folderOut = path.resolve(out ?? `${input.replace(/[\\/]+$/, '')}.opt`);
    return fn({ options: { ...options, out, zipPath }, zipOnly: false, reportPath: `${folderOut}.report.html`, present: (v) => v });
  }

  const zipPath = outZip
    ? path.resolve(options.out as string)
    : path.resolve(options.zipPath ?? (options.out !== undefined ? `${path.resolve(options.out)}.zip` : `${withoutZip(input)}.opt.zip`));
  const existing = await fsp.stat(zipPath).catch(() => undefined);
  // The same file under another name (a link, a hard link) is the input too.
  if (zipPath === input || (existing && existing.ino === st.ino && existing.dev === st.dev))
    throw new UsageError(`the output zip ${zipPath} is the input: name another with --out`);
  const zipOnly = options.out === undefined || outZip;
  // Real path: the package writer and the loader report real paths, and present() must find them.
  const base = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'faaslight-zip-input-')));
  const app = path.join(base, 'app');
  const present = <V>(v: V): V => renamed(zipOnly ? renamed(v, path.join(base, 'out'), zipPath) : v, app, input);
  try {
    await extractChecked(input, app);
    return await fn({
      options: { ...options, input: app, out: zipOnly ? path.join(base, 'out') : options.out, zipPath },
      zip: input,
      zipOnly,
      reportPath: `${zipOnly ? withoutZip(zipPath) : path.resolve(options.out as string)}.report.html`,
      present,
    });
  } catch (e) {
    if (e instanceof Error) e.message = present(e.message);
    throw e;
  } finally {
    await fsp.rm(base, { recursive: true, force: true });
  }
}
