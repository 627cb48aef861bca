import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { diag } from '../diagnostics.js';
import type { Diagnostic } from '../types.js';
import { isInside, rel } from './paths.js';

export interface SymlinkInfo {
  /** Relative POSIX path of the link inside the root. */
  path: string;
  /** Absolute real path the link resolves to (or the raw link text when it dangles). */
  target: string;
  /** True when the target lies outside the root: listed, flagged, never followed. */
  outside: boolean;
}

export interface FileListing {
  /** Every regular file below root, sorted relative POSIX paths. */
  files: string[];
  bytes: number;
  diagnostics: Diagnostic[];
  symlinks: SymlinkInfo[];
}

/**
 * Lists every regular file below `root`, the way a deployment zip would contain them.
 * Symlinks that stay inside the root are followed (a link back to an ancestor directory is a
 * cycle and is not entered again); a link leaving the root is listed but flagged (FL007), because
 * what it points to is not part of the package on the deployment machine.
 */
export async function listFiles(root: string): Promise<FileListing> {
  const absRoot = path.resolve(root);
  const realRoot = await fsp.realpath(absRoot);
  const out: FileListing = { files: [], bytes: 0, diagnostics: [], symlinks: [] };

  async function walk(dir: string, ancestors: Set<string>): Promise<void> {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const abs = path.join(dir, entry.name);
        const relPath = rel(absRoot, abs);
        if (entry.isDirectory()) return walk(abs, new Set(ancestors).add(await fsp.realpath(abs)));
        if (entry.isFile()) {
          out.files.push(relPath);
          const { size } = await fsp.stat(abs); // awaited first: `+= await` would lose concurrent updates
          out.bytes += size;
          return;
        }
        if (!entry.isSymbolicLink()) return; // sockets, fifos, devices: not package content
        await visitLink(abs, relPath, ancestors);
      }),
    );
  }

  async function visitLink(abs: string, relPath: string, ancestors: Set<string>): Promise<void> {
    let target: string;
    try {
      target = await fsp.realpath(abs);
    } catch {
      const raw = await fsp.readlink(abs);
      out.symlinks.push({ path: relPath, target: raw, outside: !isInside(realRoot, path.resolve(path.dirname(abs), raw)) });
      out.diagnostics.push(diag('FL007', 'warning', `dangling symlink ${relPath} -> ${raw}`, { file: relPath }));
      return;
    }
    const outside = !isInside(realRoot, target);
    out.symlinks.push({ path: relPath, target, outside });
    const st = await fsp.stat(target);
    if (outside) {
      out.files.push(relPath);
      if (st.isFile()) out.bytes += st.size;
      out.diagnostics.push(
        diag('FL007', 'warning', `symlink ${relPath} points outside the app (${target}); it is not analysed`, {
          file: relPath,
          note: 'copy the target into the package, or deploy with the link dereferenced',
        }),
      );
      return;
    }
    if (st.isFile()) {
      out.files.push(relPath);
      out.bytes += st.size;
    } else if (st.isDirectory() && !ancestors.has(target)) {
      await walk(abs, new Set(ancestors).add(target));
    }
  }

  await walk(absRoot, new Set([realRoot]));
  out.files.sort(comparePaths);
  out.symlinks.sort((a, b) => comparePaths(a.path, b.path));
  out.diagnostics.sort((a, b) => comparePaths(a.file ?? '', b.file ?? ''));
  return out;
}

/** Byte-wise order (not locale order), so listings are identical on every machine. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

/**
 * Reads a source file for analysis. A byte-order mark is kept in the text so that offsets used by
 * minimal edits map back to the file byte for byte.
 */
export async function readText(absPath: string, maxBytes: number = MAX_SOURCE_BYTES, relPath?: string): Promise<{ text: string } | { error: Diagnostic }> {
  const { size } = await fsp.stat(absPath);
  return decodeSource(relPath ?? absPath, size, maxBytes, () => fs.readFileSync(absPath));
}

/** The size check and strict UTF-8 decode of readText, for readers that get the bytes their own way (src/io). */
export function decodeSource(file: string, size: number, maxBytes: number, read: () => Buffer): { text: string } | { error: Diagnostic } {
  if (size > maxBytes) {
    return {
      error: diag('FL009', 'warning', `${file} is ${size} bytes, over the ${maxBytes}-byte analysis limit: kept as is`, {
        file,
        note: 'large generated bundles are kept eager and unstripped',
      }),
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(read()) };
  } catch {
    return { error: diag('FL008', 'warning', `${file} is not valid UTF-8: kept as is`, { file }) };
  }
}
