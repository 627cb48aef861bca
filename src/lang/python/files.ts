// The Python rules for the neutral file decisions (src/plan/files.ts): the Python shim restores modules
// and the data files next to them; byte-code caches leave without being stored.
import type { FileRules } from '../../plan/files.js';
import { EXTENSION_RE } from './analyze/resolve.js';

export const isCache = (f: string) => /(^|\/)__pycache__\/|\.py[co]$/.test(f);
const CACHE_REASON =
  'byte-code cache: left out (not stored) — its recorded source mtime no longer matches once the package is copied or zipped, so the interpreter would ignore it; --precompile ships fresh unchecked-hash byte code';

/**
 * Files the Python shim can bring back: modules (the fallback finder restores `.py` and tagged
 * extension modules when an import asks for them), caches (never needed: the interpreter compiles the
 * source), and data files that sit next to a module (restored with it). Anything else — a data file in
 * a folder without modules, a plain shared library loaded by ctypes — stays in the package.
 */
export function pythonRestorable(files: string[]): (file: string) => boolean {
  const dirOf = (f: string) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
  const moduleDirs = new Set(files.filter((f) => f.endsWith('.py')).map(dirOf));
  return (f) => {
    if (f.endsWith('.py') || isCache(f)) return true;
    if (/\.so(\.\d+)*$/.test(f)) return /\.(cpython-\d+[a-z]*-[A-Za-z0-9_]+-linux-gnu|abi3)\.so$/.test(f) && EXTENSION_RE.test(f);
    return moduleDirs.has(dirOf(f));
  };
}

/**
 * Package-level rules do not apply: a Python package is a top-level folder of the app, and the analysis
 * follows every module the import system can reach, so none of the Node package rules has a counterpart.
 */
export function pythonFileRules(files: string[]): FileRules {
  return {
    packageOf: () => undefined,
    quirk: () => undefined,
    restorable: pythonRestorable(files),
    notReadAtRunTime: () => false,
    stripReason: (f) => (isCache(f) ? { code: 'cache', text: CACHE_REASON } : undefined),
  };
}
