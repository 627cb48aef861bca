#!/usr/bin/env node
// Bundles the CLI shell (dist/cli.js, the option definitions it imports statically, and commander) into
// one ES module, dist/cli.bundle.js, which bin/faaslight.js runs. `--help` then reads one file instead
// of ~20 and skips the CommonJS loader that commander goes through (median 220 → 134 ms on 2 loaded
// cores, `npm run bench:tool`). The library stays as tsc wrote it: every other dist/ module, and every
// dynamic import, is left external with its path rewritten relative to the bundle, so the actions load
// the same files as before and classes such as FaaslightError exist once. Runs after tsc (npm run build).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const ENTRY = path.join(DIST, 'cli.js');
export const BUNDLE = path.join(DIST, 'cli.bundle.js');

const isShell = (file) => file === ENTRY || file.startsWith(path.join(DIST, 'cli') + path.sep);

/** dist/ modules outside the shell, and anything imported dynamically, stay separate files. */
const libraryExternal = {
  name: 'library-external',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => {
      const file = path.resolve(args.resolveDir, args.path);
      if (!file.startsWith(DIST + path.sep) || (isShell(file) && args.kind !== 'dynamic-import')) return undefined;
      return { path: `./${path.relative(path.dirname(BUNDLE), file).split(path.sep).join('/')}`, external: true };
    });
  },
};

const result = await esbuild.build({
  entryPoints: [ENTRY],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
  // commander is CommonJS: its require() calls of node: built-ins need a require in an ES module.
  banner: { js: "import { createRequire as __flCreateRequire } from 'node:module'; const require = __flCreateRequire(import.meta.url);" },
  plugins: [libraryExternal],
});

// The bundle must hold the shell and commander only: a library module inside it would run twice
// (once here, once from dist/) and its classes would not match.
const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(ROOT, f));
const foreign = inputs.filter((f) => !isShell(f) && !f.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`));
if (foreign.length) {
  fs.rmSync(BUNDLE, { force: true });
  console.error(
    `build-cli: only the CLI shell and commander belong in ${path.relative(ROOT, BUNDLE)}, not:\n  ${foreign.map((f) => path.relative(ROOT, f)).join('\n  ')}`,
  );
  process.exit(1);
}
