import path from 'node:path';

/**
 * The app's file list indexed once, so that patterns, opaque packages and directory assets are
 * answered by binary search over sorted paths instead of directory scans.
 */
export interface FileIndex {
  has(file: string): boolean;
  /** Files whose path starts with `prefix` (a plain string prefix, e.g. "lib/locale/"), sorted. */
  withPrefix(prefix: string): string[];
  /** Files of the package at `dir` ('.' = the app's own code), without nested packages' files. */
  packageFiles(dir: string): string[];
  /** Nearest package.json at or above `dir` (a directory, '' or '.' for the root), if listed. */
  nearestPackageJson(dir: string): string | undefined;
}

/** `node_modules/@s/n/lib/x.js` → `node_modules/@s/n`; app files → undefined. Innermost package wins. */
export function packageDirOf(file: string): string | undefined {
  const i = file.lastIndexOf('node_modules/');
  if (i < 0 || (i > 0 && file[i - 1] !== '/')) return undefined;
  const start = i + 'node_modules/'.length;
  const parts = file.slice(start).split('/');
  const n = parts[0].startsWith('@') ? 2 : 1;
  if (parts.length <= n) return undefined; // the path is the package directory itself, or a bare file in node_modules
  return file.slice(0, start) + parts.slice(0, n).join('/');
}

/** True when `rest` (a path below some directory) enters a nested node_modules folder. */
export function entersNodeModules(rest: string): boolean {
  return rest.startsWith('node_modules/') || rest.includes('/node_modules/');
}

export function createFileIndex(files: string[]): FileIndex {
  const sorted = [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const set = new Set(sorted);
  const pkgJsonCache = new Map<string, string | undefined>();

  const lowerBound = (key: string): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const withPrefix = (prefix: string): string[] => {
    const out: string[] = [];
    for (let i = lowerBound(prefix); i < sorted.length && sorted[i].startsWith(prefix); i++) out.push(sorted[i]);
    return out;
  };

  return {
    has: (file) => set.has(file),
    withPrefix,
    packageFiles(dir) {
      const prefix = dir === '.' || dir === '' ? '' : dir + '/';
      return withPrefix(prefix).filter((f) => !entersNodeModules(f.slice(prefix.length)));
    },
    nearestPackageJson(dir) {
      const key = dir === '' ? '.' : dir;
      if (pkgJsonCache.has(key)) return pkgJsonCache.get(key);
      const candidate = key === '.' ? 'package.json' : `${key}/package.json`;
      let found: string | undefined;
      if (set.has(candidate)) found = candidate;
      else if (key !== '.') found = this.nearestPackageJson(path.posix.dirname(key));
      pkgJsonCache.set(key, found);
      return found;
    },
  };
}
