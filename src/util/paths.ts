import path from 'node:path';

/** POSIX relative path from the app root, as used in every stage's data. */
export function rel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

export function abs(root: string, relPath: string): string {
  return path.join(root, ...relPath.split('/'));
}

/** The request `require` needs in `fromFile` to load `toFile` by path: `./x` or `../x` (both app-relative). */
export function requestFrom(fromFile: string, toFile: string): string {
  const r = path.posix.relative(path.posix.dirname(fromFile), toFile);
  return r.startsWith('../') ? r : `./${r}`;
}

/** True when `child` is `parent` or lies below it (both absolute). */
export function isInside(parent: string, child: string): boolean {
  const r = path.relative(parent, child);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}
