// Package quirks, one table keyed by package name: files a package loads through means the static
// analysis cannot follow (an aliased `require`, a computed path), kept whenever the package is reached.
import { matchesAny } from '../../util/glob.js';

export const PACKAGE_QUIRKS: Record<string, { keep: string[]; why: string }> = {
  moment: { keep: ['locale/**'], why: 'moment loads locales through an aliased require (`aliasedRequire("./locale/" + name)`)' },
  'moment-timezone': { keep: ['data/packed/**'], why: 'moment-timezone reads its packed zone data by computed path' },
  'aws-sdk': { keep: ['apis/**', 'lib/services/**'], why: 'aws-sdk v2 loads service models and clients by computed path on first use' },
};

/** The quirk that keeps `file` (inside package dir `pkgDir`), if any. */
export function quirkFor(file: string, pkgDir: string): string | undefined {
  const name = pkgDir.slice(pkgDir.lastIndexOf('node_modules/') + 13);
  const q = PACKAGE_QUIRKS[name];
  if (!q) return undefined;
  return matchesAny(file.slice(pkgDir.length + 1), q.keep) ? q.why : undefined;
}
