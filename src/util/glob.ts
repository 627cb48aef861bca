import picomatch from 'picomatch';

const cache = new Map<string, (p: string) => boolean>();

/** True when a POSIX relative path matches any of the globs (dotfiles included: node_modules/.bin etc.). */
export function matchesAny(file: string, globs: string[]): boolean {
  for (const g of globs) {
    let m = cache.get(g);
    if (!m) cache.set(g, (m = picomatch(g, { dot: true })));
    if (m(file)) return true;
  }
  return false;
}
