// Runs esbuild for one unit. Resolution is ours (the resolver the graph was built with: Node's rules),
// not esbuild's, so a specifier means the same file inside the bundle as it did in the original; what is
// not in the unit becomes an external require of that exact file, by a path relative to the root.
import path from 'node:path';
import { isBuiltin } from 'node:module';
import * as esbuild from 'esbuild';
import type { Resolver } from '../analyze/resolve.js';
import { prologueEnd } from '../../../package/shim-line.js';
import { abs, rel, requestFrom } from '../../../util/paths.js';
import type { BundleUnit } from './units.js';
import { REQUIRE_FROM, SELF } from './anchor.js';
import { ESM_REQUIRE_LINE } from './esm-require.js';
import { createJobIO, type JobIO, type JsParser } from '../../../io/index.js';

export interface BuildUnitOptions {
  root: string;
  unit: BundleUnit;
  resolver: Resolver;
  /** Files that share their instance with their path through require.cache (BundlePlan.registered). */
  registered?: ReadonlySet<string>;
  /** Bundled files whose computed requests were anchored to their original path: file → source (BundlePlan.anchored). */
  anchored?: Readonly<Record<string, string>>;
  /** Transformed sources (lazy rewrites) used instead of the files' contents. */
  transformed: ReadonlyMap<string, string>;
  /** Node major of the target, for esbuild's `target`. */
  nodeMajor: number;
  minify?: boolean;
  /** The run's file reads (default: an io of its own for root). */
  io?: JobIO;
}

const ROOT_VAR = '__faaslightRoot';

/**
 * The line put after the directive prologue of a bundled CommonJS file (so 'use strict' stays a directive
 * and line numbers stay put): its own __dirname / __filename when it reads them, and, for a file an
 * unknown require may also load by path, one instance shared with that file through require.cache.
 */
export function modulePreamble(code: string, file: string, unitRoot: string, registered: boolean, anchored = false, parse?: JsParser): string {
  const wantsDirname = /\b__(?:dirname|filename)\b/.test(code);
  if (!wantsDirname && !registered && !anchored) return code;
  const self = `require("path").join(${ROOT_VAR}, ${JSON.stringify(requestFrom(unitRoot, file))})`;
  const parts: string[] = [];
  if (wantsDirname) parts.push(`var __filename = ${self}, __dirname = require("path").dirname(__filename);`);
  if (registered || anchored) parts.push(`var ${SELF} = ${self};`);
  if (registered) parts.push(`if (require.cache[${SELF}]) { module.exports = require.cache[${SELF}].exports; return; } ${REGISTER}(${SELF}, module);`);
  const line = parts.join(' ');
  const end = prologueEnd(code, false, parse);
  // `;` ends a directive written without one ('use strict'\nvar x …); after the prologue it is harmless.
  return `${code.slice(0, end)}${end > 0 ? ';' : ''}${line}${code.slice(end)}`;
}

const REGISTER = '__faaslightRegister';
/** A real Module in require.cache whose exports are the bundled module's, so a load by path finds it. */
const REGISTER_FN = `function ${REGISTER}(f, m) { var M = require("module"); var r = new M(f, null); r.filename = f; r.loaded = true; r.paths = M._nodeModulePaths(require("path").dirname(f)); Object.defineProperty(r, "exports", { get: function () { return m.exports; }, set: function (v) { m.exports = v; }, enumerable: true, configurable: true }); require.cache[f] = r; }`;

/** A require resolving from an absolute file path, for anchored requests (anchor.ts). */
const REQUIRE_FROM_FN = `function ${REQUIRE_FROM}(f) { return require("module").createRequire(f); }`;

function banner(format: 'cjs' | 'esm', strictRoot: boolean): string {
  // esbuild writes the root's "use strict" after the banner, where it is no longer a directive: the banner
  // carries it, or the root's own code would run in sloppy mode.
  if (format === 'cjs') return `${strictRoot ? '"use strict"; ' : ''}var ${ROOT_VAR} = __dirname; ${REGISTER_FN} ${REQUIRE_FROM_FN}`;
  // esbuild's ESM output calls a free `require` for CommonJS modules it bundles and for externals.
  // One line, which defines `require` (ESM_REQUIRE_LINE): the package step may require the shim on the
  // next line instead of importing it.
  return [
    `import { createRequire as __faaslightCreateRequire } from "node:module";`,
    `import { fileURLToPath as __faaslightFileURLToPath } from "node:url";`,
    ESM_REQUIRE_LINE,
    `const ${ROOT_VAR} = require("path").dirname(__faaslightFileURLToPath(import.meta.url));`,
    REGISTER_FN,
    REQUIRE_FROM_FN,
  ].join(' ');
}

export interface BuildUnitResult {
  code: string;
  /** External requests written into the bundle (relative path → original specifier), for the report. */
  externals: string[];
  /** An ES module bundle with a static import of something other than a built-in (evaluated before its body). */
  staticImports: boolean;
  warnings: string[];
}

export async function buildUnit(o: BuildUnitOptions): Promise<BuildUnitResult> {
  const { root, unit, resolver } = o;
  const io = o.io ?? createJobIO(root);
  // As esbuild would read it: plain UTF-8, no size limit (the analysis limit is not the bundler's).
  const read = (file: string) => io.readBuffer(file).toString('utf8');
  const inUnit = new Set(unit.files);
  const registered = o.registered ?? new Set<string>();
  const externals = new Set<string>();
  let staticImports = false;
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
        if (r.file) target = requestFrom(unit.root, r.linkPath ?? r.file);
        // Unresolved: a relative request keeps failing the same way when aimed from the importer's folder;
        // a bare one cannot be found from the root folder either (fewer node_modules folders to look in).
        else if (args.path.startsWith('.')) target = requestFrom(unit.root, path.posix.join(path.posix.dirname(importer), args.path));
        else target = args.path;
        externals.add(target);
        if (args.kind === 'import-statement') staticImports = true;
        return { path: target, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        const file = rel(root, args.path);
        if (file.endsWith('.json')) return { contents: read(file), loader: 'json' };
        let code = o.anchored?.[file] ?? o.transformed.get(file) ?? read(file);
        if (file !== unit.root && !/\.mjs$/.test(file))
          code = modulePreamble(code, file, unit.root, registered.has(file), o.anchored?.[file] !== undefined, io.jsParser(file, code));
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
    banner: { js: banner(unit.format, unit.strict) },
    plugins: [plugin],
    charset: 'utf8',
    legalComments: 'inline',
  });
  const js = r.outputFiles.find((f) => !f.path.endsWith('.map'));
  if (!js) throw new Error('esbuild produced no output');
  return {
    code: js.text,
    externals: [...externals].sort(),
    staticImports,
    warnings: r.warnings.map((w) => `${w.location ? `${rel(root, path.resolve(root, w.location.file))}:${w.location.line}: ` : ''}${w.text}`),
  };
}
