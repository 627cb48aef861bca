// Runs esbuild for one unit. Resolution is ours (the resolver the graph was built with: Node's rules),
// not esbuild's, so a specifier means the same file inside the bundle as it did in the original; what is
// not in the unit becomes an external require of that exact file, by a path relative to the root.
import fs from 'node:fs';
import path from 'node:path';
import { isBuiltin } from 'node:module';
import * as esbuild from 'esbuild';
import type { Resolver } from '../analyze/js/resolve.js';
import { prologueEnd } from '../package/shim-line.js';
import { abs, rel } from '../util/paths.js';
import type { BundleUnit } from './units.js';

export interface BuildUnitOptions {
  root: string;
  unit: BundleUnit;
  resolver: Resolver;
  /** Transformed sources (lazy rewrites) used instead of the files' contents. */
  transformed: ReadonlyMap<string, string>;
  /** Node major of the target, for esbuild's `target`. */
  nodeMajor: number;
  minify?: boolean;
}

const ROOT_VAR = '__faaslightRoot';

/** `./x` / `../x` from the root file's folder to `file`. */
function relFromRoot(unitRoot: string, file: string): string {
  const r = path.posix.relative(path.posix.dirname(unitRoot), file);
  return r.startsWith('../') ? r : `./${r}`;
}

/**
 * CommonJS files that read __dirname / __filename get their own values back: one line after the
 * directive prologue, so 'use strict' stays a directive and line numbers stay put.
 */
export function withOwnDirname(code: string, file: string, unitRoot: string): string {
  if (!/\b__(?:dirname|filename)\b/.test(code)) return code;
  const r = JSON.stringify(relFromRoot(unitRoot, file));
  const line = `var __filename = require("path").join(${ROOT_VAR}, ${r}), __dirname = require("path").dirname(__filename);`;
  const end = prologueEnd(code, false);
  return `${code.slice(0, end)}${end > 0 && code[end - 1] !== '\n' ? ' ' : ''}${line}${code.slice(end)}`;
}

function banner(format: 'cjs' | 'esm'): string {
  if (format === 'cjs') return `var ${ROOT_VAR} = __dirname;`;
  // esbuild's ESM output calls a free `require` for CommonJS modules it bundles and for externals.
  return [
    `import { createRequire as __faaslightCreateRequire } from "node:module";`,
    `import { fileURLToPath as __faaslightFileURLToPath } from "node:url";`,
    `const require = __faaslightCreateRequire(import.meta.url);`,
    `const ${ROOT_VAR} = require("path").dirname(__faaslightFileURLToPath(import.meta.url));`,
  ].join(' ');
}

export interface BuildUnitResult {
  code: string;
  /** External requests written into the bundle (relative path → original specifier), for the report. */
  externals: string[];
  warnings: string[];
}

export async function buildUnit(o: BuildUnitOptions): Promise<BuildUnitResult> {
  const { root, unit, resolver } = o;
  const inUnit = new Set(unit.files);
  const externals = new Set<string>();
  const plugin: esbuild.Plugin = {
    name: 'faaslight-unit',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return { path: args.path, namespace: 'file' };
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const importer = rel(root, args.importer);
        const kind = args.kind === 'import-statement' || args.kind === 'dynamic-import' ? 'import' : 'require';
        const r = resolver.resolve(importer, args.path, kind);
        if (r.builtin) return { path: args.path, external: true };
        if (r.file && inUnit.has(r.file)) return { path: abs(root, r.file), namespace: 'file' };
        let target: string;
        if (r.file) target = relFromRoot(unit.root, r.linkPath ?? r.file);
        // Unresolved: a relative request keeps failing the same way when aimed from the importer's folder;
        // a bare one cannot be found from the root folder either (fewer node_modules folders to look in).
        else if (args.path.startsWith('.')) target = relFromRoot(unit.root, path.posix.join(path.posix.dirname(importer), args.path));
        else target = args.path;
        externals.add(target);
        return { path: target, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        const file = rel(root, args.path);
        if (file.endsWith('.json')) return { contents: fs.readFileSync(args.path, 'utf8'), loader: 'json' };
        let code = o.transformed.get(file) ?? fs.readFileSync(args.path, 'utf8');
        if (file !== unit.root && !/\.mjs$/.test(file)) code = withOwnDirname(code, file, unit.root);
        return { contents: code, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
  const r = await esbuild.build({
    entryPoints: [abs(root, unit.root)],
    bundle: true,
    write: false,
    platform: 'node',
    format: unit.format,
    target: `node${o.nodeMajor}`,
    outfile: abs(root, unit.root),
    allowOverwrite: true,
    absWorkingDir: root,
    logLevel: 'silent',
    minify: o.minify === true,
    // Bundled ES modules share one scope and get renamed on collisions: keep Function#name as written.
    keepNames: true,
    conditions: [],
    mainFields: ['main'],
    banner: { js: banner(unit.format) },
    plugins: [plugin],
    charset: 'utf8',
    legalComments: 'inline',
  });
  const js = r.outputFiles.find((f) => !f.path.endsWith('.map'));
  if (!js) throw new Error('esbuild produced no output');
  return {
    code: js.text,
    externals: [...externals].sort(),
    warnings: r.warnings.map((w) => `${w.location ? `${rel(root, path.resolve(root, w.location.file))}:${w.location.line}: ` : ''}${w.text}`),
  };
}
