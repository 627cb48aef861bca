// Module name ↔ file mapping over a package folder laid out as `pip install -t` does, following
// CPython's FileFinder order inside each search root: package dir with __init__, then extension
// modules, then source; a directory without __init__ is a namespace-package portion.

/** Extension suffixes CPython 3.11 on Linux accepts, in FileFinder order. */
export const EXTENSION_RE = /\.(cpython-\d+[a-z]*-[A-Za-z0-9_]+-linux-gnu|abi3)?\.so$/;

export interface ModuleIndex {
  files: Set<string>;
  dirs: Set<string>;
  /** Extension files per directory + module name ("numpy/core" + "_multiarray_umath"). */
  extensions: Map<string, string[]>;
}

export function buildModuleIndex(files: string[]): ModuleIndex {
  const idx: ModuleIndex = { files: new Set(files), dirs: new Set(), extensions: new Map() };
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) idx.dirs.add(parts.slice(0, i).join('/'));
    const m = EXTENSION_RE.exec(f);
    if (m) {
      const key = f.slice(0, m.index);
      idx.extensions.set(key, [...(idx.extensions.get(key) ?? []), f]);
    }
  }
  return idx;
}

export type Found =
  | { kind: 'package'; file: string; dir: string }
  | { kind: 'module'; file: string }
  | { kind: 'extension'; file: string; candidates: string[] }
  | { kind: 'namespace'; dirs: string[] };

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** Finds `name` (one path component) in the given directories, as importlib's PathFinder would. */
export function findIn(idx: ModuleIndex, dirs: string[], name: string): Found | undefined {
  const namespace: string[] = [];
  for (const dir of dirs) {
    const base = join(dir, name);
    if (idx.dirs.has(base)) {
      if (idx.files.has(`${base}/__init__.py`)) return { kind: 'package', file: `${base}/__init__.py`, dir: base };
      const initExt = idx.extensions.get(`${base}/__init__`);
      if (initExt) return { kind: 'package', file: initExt[0], dir: base };
    }
    const ext = idx.extensions.get(base);
    if (ext) return { kind: 'extension', file: ext[0], candidates: ext };
    if (idx.files.has(`${base}.py`)) return { kind: 'module', file: `${base}.py` };
    if (idx.dirs.has(base)) namespace.push(base);
  }
  return namespace.length ? { kind: 'namespace', dirs: namespace } : undefined;
}

export interface Resolution {
  /** Files executed by importing the name, outermost package first (`a/__init__.py`, `a/b.py`). */
  files: string[];
  /** The final module was found (a namespace package counts, with no file). */
  found: boolean;
  /** Where the search stopped, for messages ("a.b" not found under a/). */
  missing?: string;
  /** Namespace-package portions crossed (directories). */
  namespaces: string[];
  /** Nothing of it is inside the package (standard library or not installed). */
  external: boolean;
}

/** Resolves a dotted absolute name against the search roots ("" = package root). */
export function resolveModule(idx: ModuleIndex, roots: string[], dotted: string): Resolution {
  const parts = dotted.split('.');
  const res: Resolution = { files: [], found: false, namespaces: [], external: false };
  let dirs = roots;
  for (let i = 0; i < parts.length; i++) {
    const found = findIn(idx, dirs, parts[i]);
    if (!found) {
      res.missing = parts.slice(0, i + 1).join('.');
      res.external = i === 0;
      return res;
    }
    if (found.kind === 'namespace') {
      res.namespaces.push(...found.dirs);
      dirs = found.dirs;
      continue;
    }
    res.files.push(found.file);
    if (found.kind !== 'package') {
      if (i < parts.length - 1) {
        res.missing = parts.slice(0, i + 2).join('.');
        return res;
      }
      break;
    }
    dirs = [found.dir];
  }
  res.found = true;
  return res;
}

/** Dotted module name of a file under one of the roots (longest root wins), or undefined. */
export function moduleNameOf(file: string, roots: string[]): { name: string; root: string; isPackage: boolean } | undefined {
  const sorted = [...roots].sort((a, b) => b.length - a.length);
  for (const r of sorted) {
    if (r && !file.startsWith(`${r}/`)) continue;
    const relPath = r ? file.slice(r.length + 1) : file;
    const ext = EXTENSION_RE.exec(relPath);
    let stem: string;
    if (ext) stem = relPath.slice(0, ext.index);
    else if (relPath.endsWith('.py')) stem = relPath.slice(0, -3);
    else return undefined;
    const parts = stem.split('/');
    const isPackage = parts[parts.length - 1] === '__init__';
    if (isPackage) parts.pop();
    if (!parts.length || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) continue;
    return { name: parts.join('.'), root: r, isPackage };
  }
  return undefined;
}
