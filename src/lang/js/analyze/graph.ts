import path from 'node:path';
import { diag } from '../../../diagnostics.js';
import type { Diagnostic, FileAnalysis, ImportRecord, ModuleGraph, ModuleKind, PackageInfo, Reason, ResolvedEdge } from '../../../types.js';
import { createJobIO, type JobIO } from '../../../io/index.js';
import { createFileIndex, entersNodeModules, packageDirOf } from './file-index.js';
import type { ResolveKind, Resolver } from './resolve.js';
import { scanFile, type JsImportRecord } from './scan.js';

export interface GraphOptions {
  /** Every file of the app (AppModel.files): patterns, opaque packages and directory assets match against it. */
  files: string[];
  /** The run's reads and parses; default: an io of its own for root. */
  io?: JobIO;
  /** Source text of a file (relative path); default: io.readText (UTF-8, size-limited). */
  readFile?: (rel: string) => string | undefined;
  /** Per-file analyses shared with other stages: each file is parsed at most once. */
  cache?: Map<string, FileAnalysis>;
  /** Package names kept whole (configuration "opaque"). */
  opaque?: string[];
  diagnostics: Diagnostic[];
  /** Resolver with the target runtime's conditions: createResolver(root, { nodeVersion }). */
  resolver: Resolver;
}

/** The key of the app's own code in `packages` when it has to be kept whole. */
export const APP_PACKAGE = '.';

const MODULE_EXTS = new Set(['.js', '.cjs', '.mjs', '.json', '.node']);
const REQUIRE_PROBES = ['.js', '.json', '.node'];

type Node = ModuleGraph['files'][string];

interface PkgMeta {
  type?: string;
  name?: string;
  version?: string;
  deps: string[];
}

const resolveKindOf = (r: ImportRecord): ResolveKind => (r.kind === 'import' || r.kind === 'export-from' || r.kind === 'dynamic-import' ? 'import' : 'require');

/** How a record reads in reasons and diagnostics: require('./x'), import('./a/' + …), export … from 'y'. */
function describe(r: ImportRecord): string {
  const arg = r.specifier !== undefined ? `'${r.specifier}'` : r.pattern ? `'${r.pattern.prefix}' + … + '${r.pattern.suffix}'` : '<unknown>';
  if (r.kind === 'import') return `import ${arg} at line ${r.line}`;
  if (r.kind === 'export-from') return `export … from ${arg} at line ${r.line}`;
  const call = r.kind === 'create-require' ? 'createRequire(…)' : r.kind === 'dynamic-import' ? 'import' : r.kind;
  return `${call}(${arg}) at line ${r.line}`;
}

/**
 * The module graph of the JavaScript files reached from the handler files: breadth-first over
 * require/import edges, widened patterns and fs assets, with a reason for every file.
 * One place changes the graph (this function); per-file facts come from scanFile, cached.
 */
export function buildGraph(root: string, entries: string[], opts: GraphOptions): ModuleGraph {
  const index = createFileIndex(opts.files);
  const resolver = opts.resolver;
  const io = opts.io ?? createJobIO(root, { diagnostics: opts.diagnostics });
  const readFile = opts.readFile ?? defaultReader(io, opts.diagnostics);
  const cache = opts.cache ?? new Map<string, FileAnalysis>();
  const configOpaque = new Set(opts.opaque ?? []);
  const diagnostics = opts.diagnostics;

  const nodes = new Map<string, Node>();
  const edges: ResolvedEdge[] = [];
  const packages: Record<string, PackageInfo> = {};
  const pkgMeta = new Map<string, PkgMeta | undefined>();
  const queue: string[] = [];
  const processed = new Set<string>();

  // -- adding files --------------------------------------------------------------------------------

  function add(file: string, reason: Reason, reach: 'module' | 'asset' | 'whole'): void {
    let node = nodes.get(file);
    if (!node) {
      node = { kind: kindOf(file, reach), reasons: [] };
      const pkg = packageDirOf(file);
      if (pkg) node.package = pkg;
      nodes.set(file, node);
      queue.push(file);
      if (pkg) touchPackage(pkg, file);
    } else if (reach === 'module' && (node.kind === 'asset' || node.kind === 'other')) {
      // Read as data first, now loaded as code: analyse it too.
      node.kind = kindOf(file, reach);
      if (node.kind === 'js') queue.push(file);
    }
    addReason(node, reason);
  }

  function addReason(node: Node, reason: Reason): void {
    // One reason per (code, parent); bookkeeping reasons once, so a package.json does not list every file.
    const single = reason.code === 'package-json' || reason.code === 'opaque-package' || reason.code === 'opaque-dependency';
    if (node.reasons.some((r) => r.code === reason.code && (single || r.parent === reason.parent))) return;
    node.reasons.push(reason);
  }

  function meta(pkgJson: string): PkgMeta | undefined {
    if (pkgMeta.has(pkgJson)) return pkgMeta.get(pkgJson);
    let m: PkgMeta | undefined;
    const text = readFile(pkgJson);
    try {
      const j = text === undefined ? undefined : JSON.parse(text);
      if (j && typeof j === 'object') {
        const deps = new Set<string>();
        for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
          if (j[field] && typeof j[field] === 'object') for (const d of Object.keys(j[field])) deps.add(d);
        }
        m = {
          type: typeof j.type === 'string' ? j.type : undefined,
          name: typeof j.name === 'string' ? j.name : undefined,
          version: typeof j.version === 'string' ? j.version : undefined,
          deps: [...deps].sort(),
        };
      }
    } catch {
      diagnostics.push(diag('FL101', 'warning', `${pkgJson} is not valid JSON`, { file: pkgJson }));
    }
    pkgMeta.set(pkgJson, m);
    return m;
  }

  function touchPackage(dir: string, by: string): void {
    if (packages[dir]) return;
    const pkgJson = `${dir}/package.json`;
    const m = index.has(pkgJson) ? meta(pkgJson) : undefined;
    const name = m?.name ?? dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[dir] = { name, dir, ...(m?.version ? { version: m.version } : {}), opaque: false };
    if (index.has(pkgJson)) add(pkgJson, { code: 'package-json', text: `manifest of package ${name}`, parent: by }, 'module');
    if (configOpaque.has(name)) makeOpaque(dir, `listed in the configuration's "opaque"`);
    else if (index.has(`${dir}/binding.gyp`) || index.withPrefix(`${dir}/prebuilds/`).length > 0)
      makeOpaque(dir, 'native addon (binding.gyp or prebuilds/): it loads files by computed paths');
  }

  /** Keeps every file of a package (or of the app's own code) and the entry of each declared dependency. */
  function makeOpaque(dir: string, why: string, locatedOnly = false): void {
    const pkgJson = dir === APP_PACKAGE ? 'package.json' : `${dir}/package.json`;
    const m = index.has(pkgJson) ? meta(pkgJson) : undefined;
    const info = (packages[dir] ??= { name: m?.name ?? '(app)', dir, ...(m?.version ? { version: m.version } : {}), opaque: false });
    if (info.opaque) {
      if (!locatedOnly) delete info.locatedOnly;
      return;
    }
    info.opaque = true;
    info.opaqueReason = why;
    if (locatedOnly) info.locatedOnly = true;
    const label = dir === APP_PACKAGE ? "the app's own code" : `package ${info.name}`;
    for (const f of index.packageFiles(dir)) add(f, { code: 'opaque-package', text: `${label} is kept whole: ${why}`, parent: dir }, 'whole');
    // An unknown require can load any dependency the package declares: keep each one's entry points.
    for (const dep of m?.deps ?? []) {
      for (const kind of ['require', 'import'] as const) {
        const r = resolver.resolve(pkgJson, dep, kind);
        if (r.file) add(r.file, { code: 'opaque-dependency', text: `dependency ${dep} of ${label}, which is kept whole`, parent: pkgJson }, 'module');
      }
    }
  }

  // -- visiting files ------------------------------------------------------------------------------

  function analysis(file: string): FileAnalysis | undefined {
    let a = cache.get(file);
    if (!a) {
      const code = readFile(file);
      if (code === undefined) return undefined;
      a = scanFile(file, code, io.jsParser(file, code));
      cache.set(file, a);
    }
    return a;
  }

  function visit(file: string): void {
    const node = nodes.get(file)!;
    if (node.kind === 'native') {
      const pkg = packageDirOf(file);
      if (pkg) makeOpaque(pkg, `native addon ${file} is loaded: such packages find their files by computed paths`);
      return;
    }
    if (node.kind !== 'js') return;
    const a = analysis(file);
    const dir = path.posix.dirname(file);
    const pkgJson = index.nearestPackageJson(dir);
    const type = pkgJson ? meta(pkgJson)?.type : undefined;
    node.isESM = moduleType(file, type, a?.isESM ?? false);
    if (pkgJson) add(pkgJson, { code: 'package-json', text: `nearest package.json: decides the module type of ${file}`, parent: file }, 'module');
    if (!a) return;
    if (a.parseError) {
      const at = /\((\d+):(\d+)\)$/.exec(a.parseError); // Babel ends its messages with (line:column)
      diagnostics.push(
        diag('FL101', 'warning', `${file}: ${a.parseError}; kept as is, its imports are not followed`, {
          file,
          ...(at ? { line: Number(at[1]), column: Number(at[2]) } : {}),
          note: 'list the modules it loads in "keep" if they get stripped',
        }),
      );
      return;
    }
    for (const record of a.imports as JsImportRecord[]) if (!record.typeOnly) edges.push(follow(file, record));
    for (const asset of a.assets) addAsset(file, asset.path, asset.isDirectory === true, asset.line);
  }

  function follow(from: string, record: JsImportRecord): ResolvedEdge {
    const edge: ResolvedEdge = { from, record, to: [] };
    const kind = resolveKindOf(record);
    const reason = (code: string): Reason => ({ code, text: describe(record), parent: from });
    if (record.specifier !== undefined) {
      const r = resolver.resolve(from, record.specifier, kind);
      if (r.builtin) edge.builtin = r.builtin;
      else if (r.file) {
        edge.to.push(r.file);
        // require.resolve only locates a file (often data or a binary): kept, parsed only if it is JS.
        add(r.file, reason(record.kind), record.kind === 'require.resolve' ? 'asset' : 'module');
        if (r.linkPath)
          add(r.linkPath, { code: 'symlink', text: `${r.file} reached through a symlink: packaged as a copy at this path`, parent: from }, 'module');
      } else {
        edge.error = r.error ?? 'not found';
        const runtime = providedByRuntime(record.specifier);
        const why = record.optional ? ' (inside try: an optional dependency)' : runtime ? ` (${runtime})` : '';
        diagnostics.push(
          diag('FL102', record.optional || runtime ? 'info' : 'warning', `${from}:${record.line}: cannot resolve '${record.specifier}'${why}`, {
            file: from,
            line: record.line,
            column: record.column,
            note: edge.error,
          }),
        );
      }
    } else if (record.pattern) {
      edge.to = matchPattern(from, record.pattern, kind);
      for (const f of edge.to) add(f, reason('pattern'), 'module');
      diagnostics.push(
        diag('FL104', 'info', `${from}:${record.line}: ${describe(record)} widened to ${edge.to.length} file(s)`, {
          file: from,
          line: record.line,
          column: record.column,
        }),
      );
      // '#imports' and absolute-path patterns are not widened: as good as unknown.
      if (record.pattern.prefix.startsWith('#') || record.pattern.prefix.startsWith('/')) unknownEdge(from, record);
    } else if (record.unknown) {
      unknownEdge(from, record);
    }
    return edge;
  }

  function unknownEdge(from: string, record: ImportRecord): void {
    const dir = packageDirOf(from) ?? APP_PACKAGE;
    const label = dir === APP_PACKAGE ? "the app's own code" : `package ${packages[dir]?.name ?? dir}`;
    diagnostics.push(
      diag('FL103', 'warning', `${from}:${record.line}: ${describe(record)} has an unknown specifier: ${label} is kept whole`, {
        file: from,
        line: record.line,
        column: record.column,
        note: 'use a literal specifier, or list the loaded files in "keep"',
      }),
    );
    makeOpaque(dir, `unknown ${record.kind} at ${from}:${record.line}`, record.kind === 'require.resolve');
  }

  /** Every app file `dirname(from)/prefix*suffix` (or inside the named package) that the loader could pick. */
  function matchPattern(from: string, pattern: { prefix: string; suffix: string }, kind: ResolveKind): string[] {
    const { prefix, suffix } = pattern;
    let bases: string[] = [];
    if (isRelative(prefix)) {
      const joined = path.posix.join(path.posix.dirname(from), prefix);
      const base = joined === '.' ? '' : joined === './' ? '' : joined;
      if (base.startsWith('../') || base === '..') return [];
      bases = [prefix.endsWith('/') && base !== '' && !base.endsWith('/') ? base + '/' : base];
    } else if (prefix.startsWith('/') || prefix.startsWith('#')) {
      return [];
    } else {
      const name = packageNameIn(prefix);
      if (name) {
        const dir = lookupPackage(from, name);
        if (!dir) return [];
        bases = [dir + prefix.slice(name.length)];
      } else {
        // 'babel-plugin-' + x: every installed package whose name starts so, at its entry point.
        const out = new Set<string>();
        for (const nm of nodeModulesDirs(from)) {
          for (const f of index.withPrefix(`${nm}/${prefix}`)) {
            const pkg = packageDirOf(f);
            if (!pkg || !pkg.startsWith(`${nm}/`)) continue;
            const pkgName = pkg.slice(nm.length + 1);
            const r = resolver.resolve(from, pkgName + (suffix.startsWith('/') ? suffix : ''), kind);
            if (r.file) out.add(r.file);
          }
        }
        return [...out].sort();
      }
    }
    const out: string[] = [];
    for (const base of bases) {
      for (const f of index.withPrefix(base)) {
        const rest = f.slice(base.length);
        if (entersNodeModules(rest) || !matchesSuffix(f, suffix, kind)) continue;
        out.push(f);
      }
    }
    return out;
  }

  function matchesSuffix(f: string, suffix: string, kind: ResolveKind): boolean {
    const ext = path.posix.extname(f);
    if (f.endsWith(suffix) && (suffix.includes('.') || MODULE_EXTS.has(ext))) return true;
    if (kind !== 'require' || !REQUIRE_PROBES.includes(ext)) return false;
    const stem = f.slice(0, -ext.length);
    return stem.endsWith(suffix) || (stem.endsWith('/index') && stem.slice(0, -'/index'.length).endsWith(suffix));
  }

  function nodeModulesDirs(from: string): string[] {
    const out: string[] = [];
    for (let d = path.posix.dirname(from); ; d = path.posix.dirname(d)) {
      if (!d.endsWith('node_modules')) out.push(d === '.' ? 'node_modules' : `${d}/node_modules`);
      if (d === '.' || d === '/' || d === '') break;
    }
    return out;
  }

  function lookupPackage(from: string, name: string): string | undefined {
    for (const nm of nodeModulesDirs(from)) if (index.withPrefix(`${nm}/${name}/`).length > 0) return `${nm}/${name}`;
    return undefined;
  }

  function addAsset(from: string, p: string, isDirectory: boolean, line: number): void {
    const reason: Reason = { code: 'asset', text: `read as a file at line ${line}${isDirectory ? ' (directory)' : ''}`, parent: from };
    if (!isDirectory && index.has(p)) return add(p, reason, 'asset');
    const prefix = p === '.' ? '' : `${p}/`;
    for (const f of index.withPrefix(prefix)) if (!entersNodeModules(f.slice(prefix.length))) add(f, reason, 'asset');
  }

  // -- the walk ------------------------------------------------------------------------------------

  for (const e of entries) add(e, { code: 'handler', text: 'handler file' }, 'module');
  // Packages the user names as opaque are kept even when nothing visible reaches them: they were named
  // because something loads them in a way analysis cannot see.
  if (configOpaque.size) {
    for (const f of opts.files) {
      if (!f.endsWith('/package.json')) continue;
      const dir = f.slice(0, -'/package.json'.length);
      if (packageDirOf(`${dir}/x`) !== dir) continue; // a nested package.json, not a package root
      const installedAs = dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (configOpaque.has(installedAs)) makeOpaque(dir, `listed in the configuration's "opaque"`);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    const node = nodes.get(file)!;
    const key = `${file}\0${node.kind}`;
    if (processed.has(key)) continue;
    processed.add(key);
    visit(file);
  }

  const files: ModuleGraph['files'] = {};
  for (const f of [...nodes.keys()].sort()) files[f] = nodes.get(f)!;
  const sortedPackages: Record<string, PackageInfo> = {};
  for (const k of Object.keys(packages).sort()) sortedPackages[k] = packages[k];
  return { files, edges, packages: sortedPackages, entries: [...entries] };
}

function kindOf(file: string, reach: 'module' | 'asset' | 'whole'): ModuleKind {
  const ext = path.posix.extname(file);
  if (ext === '.json') return 'json';
  if (ext === '.node') return 'native';
  if (ext === '.js' || ext === '.cjs' || ext === '.mjs') return 'js';
  // require() compiles any other extension as JavaScript.
  return reach === 'module' ? 'js' : reach === 'asset' ? 'asset' : 'other';
}

/** .mjs/.cjs by extension; other files by the nearest package.json "type", else by their own syntax (Node ≥ 20.19 detects it). */
function moduleType(file: string, type: string | undefined, syntaxIsEsm: boolean): boolean {
  const ext = path.posix.extname(file);
  if (ext === '.mjs') return true;
  if (ext === '.cjs') return false;
  if (type === 'module') return true;
  if (type === 'commonjs') return false;
  return syntaxIsEsm;
}

/** Modules the AWS Lambda Node.js runtimes provide outside the package: a missing copy is expected. */
function providedByRuntime(specifier: string): string | undefined {
  if (specifier.startsWith('@aws-sdk/') || specifier.startsWith('@smithy/')) return 'provided by the AWS Lambda Node.js 18+ runtimes';
  if (specifier === 'aws-sdk' || specifier.startsWith('aws-sdk/')) return 'provided by the AWS Lambda Node.js 16 and older runtimes';
  return undefined;
}

function isRelative(prefix: string): boolean {
  return prefix === '.' || prefix === '..' || prefix.startsWith('./') || prefix.startsWith('../');
}

/** 'moment/locale/' → 'moment'; '@s/n/x' → '@s/n'; 'lodash.' → undefined (the name itself is partial). */
function packageNameIn(prefix: string): string | undefined {
  const parts = prefix.split('/');
  const n = prefix.startsWith('@') ? 2 : 1;
  return parts.length > n ? parts.slice(0, n).join('/') : undefined;
}

/** io.readText, with a file that cannot be read at all reported (FL008) instead of thrown. */
function defaultReader(io: JobIO, diagnostics: Diagnostic[]): (rel: string) => string | undefined {
  return (rel) => {
    try {
      return io.readText(rel);
    } catch (e) {
      diagnostics.push(diag('FL008', 'warning', `${rel} could not be read: ${(e as Error).message}`, { file: rel }));
      return undefined;
    }
  };
}
