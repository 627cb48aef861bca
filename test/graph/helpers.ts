// Test helpers: fixture copies (with the real folder names and symlinks git does not carry) and
// the list of files Node really loads for an entry.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from '../../src/util/env.js';
import { rel } from '../../src/util/paths.js';

export const repo = fs.realpathSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'));

/**
 * Copies fixtures/graph/<name> to a temp dir. `_node_modules` becomes `node_modules` (the repository
 * ignores fixtures' node_modules folders); `links` are symlinks to create, relative to the copy.
 */
export function copyFixture(name: string, links: Record<string, string> = {}): string {
  const dest = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `faaslight-graph-${name}-`)));
  fs.cpSync(path.join(repo, 'fixtures/graph', name), dest, { recursive: true });
  for (const dir of fs.readdirSync(dest, { recursive: true }) as string[]) {
    if (path.basename(dir) === '_node_modules') fs.renameSync(path.join(dest, dir), path.join(dest, path.dirname(dir), 'node_modules'));
  }
  for (const [link, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dest, link));
  return dest;
}

/** Every regular file below root, following symlinks (as the app loader lists them), sorted. */
export function listAll(root: string, dir = ''): string[] {
  return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(root, dir, f)).isFile())
    .map((f) => rel(root, path.join(root, dir, f)))
    .sort();
}

// A module hook that logs every file: URL Node loads through the ESM loader (require.cache only has CommonJS).
const HOOK = `import fs from 'node:fs'; export async function load(url, ctx, next) { if (url.startsWith('file:')) fs.appendFileSync(process.env.FAASLIGHT_TEST_LOG, url + '\\n'); return next(url, ctx); }`;

/**
 * Files Node loads (CommonJS and ESM) for `import(entry)`, awaiting the export `awaitExport` when
 * given; relative to root, real paths.
 */
export function nodeLoads(root: string, entry: string, awaitExport?: string): string[] {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-loads-')), 'esm.log');
  fs.writeFileSync(log, '');
  const script = [
    `require('node:module').register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));`,
    `import(${JSON.stringify(path.join(root, entry))})`,
    awaitExport ? `.then((m) => m[${JSON.stringify(awaitExport)}] ?? m.default?.[${JSON.stringify(awaitExport)}])` : '',
    `.then(() => process.stdout.write(JSON.stringify(Object.keys(require.cache))));`,
  ].join('');
  const out = execFileSync(process.execPath, ['-e', script], { env: cleanEnv({ FAASLIGHT_TEST_LOG: log }), cwd: root, encoding: 'utf8' });
  const esm = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((u) => fileURLToPath(u));
  fs.rmSync(path.dirname(log), { recursive: true, force: true });
  return [...new Set([...(JSON.parse(out) as string[]), ...esm].map((f) => rel(root, fs.realpathSync(f))))].sort();
}
