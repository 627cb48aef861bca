// Symlinks of the app as the deployment will see them. A link that stays inside the app is kept as a
// link in the output (src/package/write-package.ts): Node resolves a module from its real path, so a pnpm
// node_modules or a linked entry file only works when the structure is kept. A link that leaves the app
// points at something the deployment machine does not have: an error naming the link, unless the user
// asks for a copy of its target (followExternalLinks). A link back to one of its own folders is a loop:
// never entered, and said.
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { diag, UsageError } from '../diagnostics.js';
import type { Diagnostic } from '../types.js';
import { comparePaths, type FileListing } from '../util/files.js';
import { abs, rel } from '../util/paths.js';

export interface LinkedFiles {
  files: string[];
  bytes: number;
  /** The listing's diagnostics, its FL007 for each link leaving the app replaced by the decision taken here. */
  diagnostics: Diagnostic[];
}

export async function checkLinks(root: string, listing: FileListing, followExternal: boolean): Promise<LinkedFiles> {
  const realRoot = await fsp.realpath(root);
  // A dangling link's target is its raw text (maybe relative): only a resolved, absolute one exists.
  const resolved = (t: string) => path.isAbsolute(t) && fs.existsSync(t);
  const outside = listing.symlinks.filter((l) => l.outside && resolved(l.target));
  const decided = new Set(outside.map((l) => l.path));
  const diagnostics = listing.diagnostics.filter((d) => !(d.id === 'FL007' && d.file !== undefined && decided.has(d.file)));
  if (outside.length && !followExternal) {
    const names = outside.map((l) => `${l.path} -> ${l.target}`);
    const message = `symlink${names.length > 1 ? 's' : ''} leaving the app: ${names.join(', ')}; the deployed package would not have ${names.length > 1 ? 'their targets' : 'its target'}. Copy the target into the app, remove the link, or pass --follow-external-links to package a copy`;
    throw new UsageError(message, diag('FL007', 'error', message, { file: outside[0].path, note: '--follow-external-links packages a copy of each target' }));
  }
  let files = listing.files;
  let bytes = listing.bytes;
  for (const l of outside) {
    // Allowed: the target is packaged as a copy, a folder with every file below it.
    diagnostics.push(
      diag('FL007', 'warning', `symlink ${l.path} points outside the app (${l.target}); packaged as a copy (--follow-external-links)`, { file: l.path }),
    );
    if (!(await fsp.stat(l.target)).isDirectory()) continue;
    const below = await filesBelow(l.target);
    files = files.filter((f) => f !== l.path).concat(below.map((b) => `${l.path}/${b.rel}`));
    bytes += below.reduce((s, b) => s + b.size, 0);
  }
  for (const l of listing.symlinks) {
    if (l.outside || !resolved(l.target) || !(await fsp.stat(l.target)).isDirectory()) continue;
    const parents = await realParents(realRoot, l.path);
    if (parents.includes(l.target))
      diagnostics.push(
        diag('FL013', 'warning', `symlink ${l.path} loops back to ${rel(realRoot, l.target) || '.'}: not followed`, {
          file: l.path,
          note: 'the link is kept as a link; nothing below it is analysed twice',
        }),
      );
  }
  return { files: [...new Set(files)].sort(comparePaths), bytes, diagnostics };
}

/** Real paths of the folders that hold `relPath`, from the root down. */
async function realParents(realRoot: string, relPath: string): Promise<string[]> {
  const parts = relPath.split('/').slice(0, -1);
  const out = [realRoot];
  for (let i = 1; i <= parts.length; i++) out.push(await fsp.realpath(abs(realRoot, parts.slice(0, i).join('/'))));
  return out;
}

/** Regular files below an outside folder (links followed, each real folder once). */
async function filesBelow(dir: string): Promise<{ rel: string; size: number }[]> {
  const out: { rel: string; size: number }[] = [];
  const seen = new Set<string>();
  async function walk(d: string): Promise<void> {
    const real = await fsp.realpath(d);
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of await fsp.readdir(d)) {
      const p = path.join(d, name);
      const st = await fsp.stat(p).catch(() => undefined);
      if (st?.isDirectory()) await walk(p);
      else if (st?.isFile()) out.push({ rel: rel(dir, p), size: st.size });
    }
  }
  await walk(dir);
  return out;
}
