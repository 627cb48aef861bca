// Writes the optimized package: kept files copied byte for byte, transformed files written in their
// place, stripped files moved into the fallback store, the runtime shim installed, then zipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag, FaaslightError, UsageError } from '../diagnostics.js';
import type { Diagnostic, PackageResult, PackageStats, Runtime } from '../types.js';
import { abs, isInside, rel as relativeTo, requestFrom } from '../util/paths.js';
import { NAMES_FILE, storedNames, writeFallbackStore } from './fallback-store.js';
import { injectShimLine } from './shim-line.js';
import type { JsParser } from '../io/index.js';
import { listTree, writeZip } from './zip.js';

export interface WritePackageOptions {
  root: string;
  outDir: string;
  zipPath: string;
  keep: string[];
  strip: string[];
  /** rel path → new source, written instead of the original. */
  transformed: Map<string, string>;
  handlerFiles: string[];
  /** Handler files that are ES modules (get an `import` shim line and the ESM hooks). */
  esmHandlerFiles?: string[];
  /**
   * ES module handler files that define `require` on the line holding this text and import nothing
   * but built-ins (bundles): the shim is required on the next line instead of imported.
   */
  requireShimAfter?: Map<string, string>;
  /** The run's shared parse of a handler's text (JobIO.jsParser), for the directive prologue. */
  parser?: (file: string, code: string) => JsParser;
  /**
   * Install the ESM hooks for ESM handlers (default true): they restore stripped files reached by
   * import(), but registering them starts Node's loader thread on every cold start (tens of ms on
   * Node 20; see scripts/bench-shim.mjs). false: import() of a stripped file fails as it would.
   */
  esmHooks?: boolean;
  /**
   * 'python': the Node shim line and runtime files are never added (the Python transform already put
   * its shim statement into the handler modules, and `runtimeFiles` ships its shim). Default 'nodejs'.
   */
  runtime?: Runtime;
  /** Kept files whose original bytes also go into the fallback store (Python stubs compile originals from there). */
  storeAlso?: string[];
  /** Extra runtime files: package path (under .faaslight/) → absolute source path. */
  runtimeFiles?: Record<string, string>;
  /** Runs on the finished folder before it is zipped (Python --precompile writes __pycache__ here). */
  beforeZip?: (outDir: string) => Promise<void> | void;
}

export interface WritePackageResult extends PackageResult {
  /** Warnings met while copying (symlinks leaving the app, …). */
  diagnostics: Diagnostic[];
  /** Handler files that received the shim line (empty when nothing was stripped). */
  shimmedHandlers: string[];
  esmHooks: boolean;
}

/** Folder of the runtime files, from src/package or dist/package alike. */
const RUNTIME_DIR = fileURLToPath(new URL('../../runtime/node/', import.meta.url));
export const FAASLIGHT_DIR = '.faaslight';
/** Written into every output so a later run recognises the folder as replaceable. */
const MARKER = `${FAASLIGHT_DIR}/output.json`;
const COPY_CONCURRENCY = 16;

/** Absolute path with the existing part resolved through symlinks (the rest may not exist yet). */
async function realish(p: string): Promise<string> {
  const resolved = path.resolve(p);
  try {
    return await fs.promises.realpath(resolved);
  } catch {
    const parent = path.dirname(resolved);
    return parent === resolved ? resolved : path.join(await realish(parent), path.basename(resolved));
  }
}

function usage(message: string, id: 'FL005' | 'FL401' = 'FL005'): UsageError {
  return new UsageError(message, diag(id, 'error', message));
}

async function checkPaths(root: string, outDir: string, zipPath: string): Promise<void> {
  if (isInside(root, outDir) || isInside(outDir, root)) throw usage(`output folder ${outDir} must not be inside the input ${root} or contain it`);
  if (isInside(root, zipPath)) throw usage(`zip ${zipPath} must not be inside the input ${root}`);
  if (isInside(outDir, zipPath)) throw usage(`zip ${zipPath} must not be inside the output folder ${outDir}`);
  const zipStat = await fs.promises.stat(zipPath).catch(() => null);
  if (zipStat?.isDirectory()) throw usage(`zip path ${zipPath} is a folder`);
}

/** Empties `outDir` only when it is a previous faaslight output: never delete a user's folder. */
async function prepareOutDir(outDir: string): Promise<void> {
  const st = await fs.promises.stat(outDir).catch(() => null);
  if (st) {
    if (!st.isDirectory()) throw usage(`output path ${outDir} exists and is not a folder`, 'FL401');
    const names = await fs.promises.readdir(outDir);
    if (names.length > 0) {
      if (!names.includes(FAASLIGHT_DIR))
        throw usage(
          `output folder ${outDir} is not empty and is not a previous faaslight output (no ${FAASLIGHT_DIR}/): choose another folder or empty it`,
          'FL401',
        );
      await fs.promises.rm(outDir, { recursive: true, force: true });
    }
  }
  await fs.promises.mkdir(outDir, { recursive: true });
}

function checkRelPaths(keep: string[], strip: string[], handlerFiles: string[]): void {
  for (const rel of [...keep, ...strip, ...handlerFiles]) {
    const norm = path.posix.normalize(rel);
    if (rel === '' || path.posix.isAbsolute(rel) || norm.startsWith('../') || norm === '..' || norm !== rel)
      throw new FaaslightError(`invalid package path "${rel}": expected a normalised path relative to the app root`);
    if (rel === FAASLIGHT_DIR || rel.startsWith(`${FAASLIGHT_DIR}/`))
      throw usage(`the input already contains ${FAASLIGHT_DIR}/ (a faaslight output?): optimize the original package`);
  }
  const kept = new Set(keep);
  const handlers = new Set(handlerFiles);
  for (const f of strip) {
    if (kept.has(f) || handlers.has(f)) {
      const message = `${f} is both kept and stripped (${handlers.has(f) ? 'a handler file' : 'in keep'})`;
      throw new FaaslightError(message, 1, diag('FL404', 'error', message, { file: f }));
    }
  }
}

/**
 * Where each package path really is, and the symlinks on the way (inside the app only: a link that leaves
 * the app was refused or allowed when the app was loaded, and is packaged as a copy). Node resolves a
 * module from its real path, so the output keeps these links instead of materialising copies at every
 * path a file is reached by: a pnpm package then finds its dependencies where pnpm put them.
 */
function linkMap(root: string) {
  const prefixes = new Map<string, string>();
  /** Link path → real target path, both relative to the root. */
  const links = new Map<string, string>();
  function realOf(relPath: string): string {
    let cur = '';
    for (const part of relPath.split('/')) {
      const next = cur ? `${cur}/${part}` : part;
      let real = prefixes.get(next);
      if (real === undefined) {
        real = next;
        const p = abs(root, next);
        if (fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) {
          const target = fs.realpathSync(p);
          if (isInside(root, target)) real = relativeTo(root, target);
        }
        prefixes.set(next, real);
      }
      if (real !== next) links.set(next, real);
      cur = real;
    }
    return cur;
  }
  return { realOf, links };
}

/** Runs `fn` over `items`, at most `n` at a time. */
async function eachLimited<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/**
 * Extensions require()/import() resolve to. Extensionless files (LICENSE, Makefile, bin scripts run
 * by spawn) are left out on purpose: requiring one by its exact name is legal but rare, and counting
 * them would install the shim in nearly every package.
 */
const LOADABLE = new Set(['.js', '.cjs', '.mjs', '.json', '.node']);

/** True when a module loader could ask for this file; .md, .map, .d.ts, .ts … are read by fs or never. */
export function isLoadable(rel: string): boolean {
  return LOADABLE.has(path.posix.extname(rel));
}

function isEsmHandler(file: string, esm: Set<string>): boolean {
  if (file.endsWith('.mjs') || file.endsWith('.mts')) return true;
  if (file.endsWith('.cjs') || file.endsWith('.cts')) return false;
  return esm.has(file);
}

async function statsOf(dir: string, zipBytes: number): Promise<PackageStats> {
  // As zipped: a link inside the folder is one entry, not a second copy of its target.
  const files = (await listTree(dir, undefined, { keepLinks: true })).filter((f) => f.link === undefined);
  return { files: files.length, bytes: files.reduce((s, f) => s + f.size, 0), zipBytes };
}

/** Zips the untouched input the same way, for the "before" figures. */
async function beforeStats(root: string): Promise<PackageStats> {
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'faaslight-before-'));
  try {
    const { bytes } = await writeZip(root, path.join(tmp, 'before.zip'));
    return await statsOf(root, bytes);
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

export async function writePackage(opts: WritePackageOptions): Promise<WritePackageResult> {
  const root = await realish(opts.root);
  const outDir = await realish(opts.outDir);
  const zipPath = await realish(opts.zipPath);
  await checkPaths(root, outDir, zipPath);
  checkRelPaths(opts.keep, opts.strip, opts.handlerFiles);
  await prepareOutDir(outDir);
  try {
    return await writeInto(opts, root, outDir, zipPath);
  } catch (e) {
    // No half-written package is left behind to be deployed by mistake.
    await fs.promises.rm(outDir, { recursive: true, force: true });
    await fs.promises.rm(zipPath, { force: true });
    throw e;
  }
}

async function writeInto(opts: WritePackageOptions, root: string, outDir: string, zipPath: string): Promise<WritePackageResult> {
  const diagnostics: Diagnostic[] = [];
  const storeAlso = opts.storeAlso ?? [];
  const stripping = opts.strip.length > 0 || storeAlso.length > 0;
  // The shim costs a little on every cold start (the ESM hooks much more: a loader thread), so it
  // is installed only when a stripped file could be loaded by require/import at all.
  const shimNeeded = opts.runtime !== 'python' && opts.strip.some(isLoadable);
  const esm = new Set(opts.esmHandlerFiles ?? []);
  const handlers = [...new Set(opts.handlerFiles)].sort();
  const shimmedHandlers = shimNeeded ? handlers : [];
  const esmHooks = opts.esmHooks !== false && shimmedHandlers.some((h) => isEsmHandler(h, esm));
  // Handler files and transformed files are part of the output even if the caller left them out of keep.
  const strip = new Set(opts.strip);
  const listed = [...new Set([...opts.keep, ...handlers, ...[...opts.transformed.keys()].filter((f) => !strip.has(f))])].sort();
  // A path reached through a link inside the app is written once, at its real path, and the link kept.
  const { realOf, links } = linkMap(root);
  const writeAt = new Map<string, string>();
  for (const rel of listed) {
    const real = realOf(rel);
    const prev = writeAt.get(real);
    // Of the paths that are one file, the one with new content wins (the handler's shim, a rewrite).
    if (prev === undefined || (!opts.transformed.has(prev) && !shimmedHandlers.includes(prev))) writeAt.set(real, rel);
  }
  const keep = [...writeAt.keys()].sort();
  // A file kept through one path and unreached through another is still the same file: it is not stored.
  for (const f of [...strip]) if (writeAt.has(realOf(f))) strip.delete(f);

  await eachLimited(keep, COPY_CONCURRENCY, async (real) => {
    const rel = writeAt.get(real)!;
    const src = abs(root, rel);
    const dst = abs(outDir, real);
    await fs.promises.mkdir(path.dirname(dst), { recursive: true });
    const [lst, st] = await Promise.all([fs.promises.lstat(src), fs.promises.stat(src)]);
    if (lst.isSymbolicLink() && !isInside(root, await fs.promises.realpath(src)))
      diagnostics.push(diag('FL007', 'warning', `${rel} is a symlink to a file outside the app; packaged as a copy of it`, { file: rel }));
    let code = opts.transformed.get(rel);
    if (shimmedHandlers.includes(rel)) {
      code ??= await fs.promises.readFile(src, 'utf8');
      const parser = opts.parser;
      code = injectShimLine(
        code,
        requestFrom(real, `${FAASLIGHT_DIR}/shim.cjs`),
        isEsmHandler(rel, esm),
        opts.requireShimAfter?.get(rel),
        parser && ((text) => parser(rel, text)),
      );
    }
    if (code === undefined)
      await fs.promises.copyFile(src, dst); // symlinks are followed: materialised
    else await fs.promises.writeFile(dst, code);
    await fs.promises.chmod(dst, st.mode & 0o777);
  });
  for (const [at, target] of [...links].sort()) {
    const dst = abs(outDir, at);
    await fs.promises.mkdir(path.dirname(dst), { recursive: true });
    await fs.promises.symlink(path.relative(path.dirname(dst), abs(outDir, target)), dst);
  }

  let fallbackBytes = 0;
  if (stripping) {
    const overrides = new Map([...opts.transformed].filter(([f]) => strip.has(f)));
    const store = await writeFallbackStore(root, [...strip, ...storeAlso], outDir, overrides);
    fallbackBytes = store.bytes;
    if (shimNeeded) await fs.promises.writeFile(abs(outDir, NAMES_FILE), JSON.stringify(storedNames(Object.keys(store.index.files))));
    const runtimeFiles = shimNeeded ? ['shim.cjs', 'restore.cjs', ...(esmHooks ? ['esm-hooks.mjs'] : [])] : [];
    for (const f of runtimeFiles) {
      const dst = abs(outDir, `${FAASLIGHT_DIR}/${f}`);
      await fs.promises.copyFile(path.join(RUNTIME_DIR, f), dst);
      await fs.promises.chmod(dst, 0o644);
    }
  }
  await fs.promises.mkdir(abs(outDir, FAASLIGHT_DIR), { recursive: true });
  await fs.promises.writeFile(abs(outDir, MARKER), `${JSON.stringify({ tool: 'faaslight', format: 1 })}\n`);
  for (const [rel, src] of Object.entries(opts.runtimeFiles ?? {})) {
    if (!rel.startsWith(`${FAASLIGHT_DIR}/`)) throw new FaaslightError(`runtime file ${rel} must go under ${FAASLIGHT_DIR}/`);
    const dst = abs(outDir, rel);
    await fs.promises.mkdir(path.dirname(dst), { recursive: true });
    await fs.promises.copyFile(src, dst);
    await fs.promises.chmod(dst, 0o644);
  }
  await opts.beforeZip?.(outDir);

  const { bytes: zipBytes } = await writeZip(outDir, zipPath);
  return {
    outDir,
    zipPath,
    before: await beforeStats(root),
    after: await statsOf(outDir, zipBytes),
    stripped: strip.size,
    fallbackBytes,
    diagnostics: diagnostics.sort((a, b) => ((a.file ?? '') < (b.file ?? '') ? -1 : 1)),
    shimmedHandlers,
    esmHooks,
  };
}
