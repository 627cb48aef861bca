import path from 'node:path';

/** Levenshtein distance, for "did you mean" hints. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagPrev = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diagPrev + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagPrev = tmp;
    }
  }
  return prev[b.length];
}

/** Names from `options` close to `wanted`, best first. */
export function closest(wanted: string, options: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return options
    .map((o) => ({ o, d: distance(wanted.toLowerCase(), o.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.o < b.o ? -1 : 1))
    .slice(0, max)
    .map((x) => x.o);
}

const SOURCE_EXT = /\.(m?js|cjs|py)$/;

/**
 * Handler-looking strings for the app's own source files ("src/index.handler"), closest to the
 * handler string that did not resolve. Dependencies are not suggested.
 */
export function suggestHandlers(handler: string, files: readonly string[]): string[] {
  const dot = handler.lastIndexOf('.');
  const exportName = dot > 0 ? handler.slice(dot + 1) : 'handler';
  const modulePart = (dot > 0 ? handler.slice(0, dot) : handler).replace(/\.(m?js|cjs|py)$/, '');
  const modules = files
    .filter((f) => SOURCE_EXT.test(f) && !f.split('/').some((p) => p === 'node_modules' || p.startsWith('.')))
    .map((f) => f.slice(0, -path.extname(f).length));
  const asPython = modulePart.replace(/\./g, '/');
  const hits = new Set([...closest(modulePart, modules), ...closest(asPython, modules)]);
  return [...hits].slice(0, 3).map((m) => `${m}.${exportName}`);
}
