// The harnesses and bootstraps shipped in the package's runtime/ folder, found the same way from src/ and dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let packageRoot: string | undefined;

/** The faaslight package folder (holds runtime/), found from this module both in src/ and dist/. */
export function faaslightRoot(): string {
  if (packageRoot) return packageRoot;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'runtime', 'node', 'invoke.cjs'))) return (packageRoot = dir);
    if (path.dirname(dir) === dir) throw new Error('faaslight runtime/ folder not found next to the installed package');
  }
}

/** Absolute path of a file under the shipped runtime/ folder ("node/invoke.cjs"). */
export function runtimeFile(relPath: string): string {
  return path.join(faaslightRoot(), 'runtime', ...relPath.split('/'));
}
