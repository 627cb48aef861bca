import { spawnSync } from 'node:child_process';
import { diag } from '../../../diagnostics.js';
import type { Diagnostic, ImportRecord, ModuleGraph, Reason, ResolvedEdge } from '../../../types.js';
import { cleanEnv } from '../../../util/env.js';
import { createJobIO, type JobIO } from '../../../io/index.js';
import type { ParsedPython } from './parser.js';
import { buildModuleIndex, EXTENSION_RE, moduleNameOf, resolveModule, type ModuleIndex } from './resolve.js';
import { resolveRelativeName, scanPythonFile, type PyImport, type PyScan } from './scan.js';

export interface PythonGraphOptions {
  /** The run's reads and parses; default: an io of its own for root. */
  io?: JobIO;
  /** Reads a file's text (relative path); default reads from root. undefined = unreadable. */
  read?: (file: string) => Promise<string | undefined>;
  /** Extra search roots besides "" and the literal sys.path edits found in reached files. */
  searchRoots?: string[];
  /** Target machine for native extensions (default: this machine). */
  arch?: 'x86_64' | 'aarch64';
  /** Module names importable without the package (default: `sys.stdlib_module_names` of /usr/bin/python3). */
  stdlib?: Set<string>;
  python?: string;
}

/** Per-file parse + scan, kept so later stages never parse a file twice. */
export interface PyFileInfo {
  file: string;
  code: string;
  parsed: ParsedPython;
  scan: PyScan;
  module?: string;
}

export interface PythonGraphResult {
  graph: ModuleGraph;
  searchRoots: string[];
  /** Reached Python sources, parsed once. */
  infos: Map<string, PyFileInfo>;
  /** file → dotted module name, for every reached module. */
  modules: Record<string, string>;
  diagnostics: Diagnostic[];
}

// Provided by the AWS Lambda Python runtime, not by the package.
const LAMBDA_PROVIDED = ['boto3', 'botocore', 's3transfer', 'jmespath', 'dateutil', 'urllib3', 'six', 'awslambdaric', 'bootstrap'];

let stdlibCache: Set<string> | undefined;
export function stdlibNames(python = '/usr/bin/python3'): Set<string> {
  if (stdlibCache) return stdlibCache;
  const r = spawnSync(python, ['-S', '-c', 'import sys; print("\\n".join(sorted(set(sys.stdlib_module_names) | set(sys.builtin_module_names))))'], {
    env: cleanEnv(),
    encoding: 'utf8',
  });
  stdlibCache = new Set(r.status === 0 ? r.stdout.split('\n').filter(Boolean) : []);
  return stdlibCache;
}

const HOST_ARCH = process.arch === 'arm64' ? 'aarch64' : 'x86_64';

/**
 * Builds the import graph of a Python package folder from its handler modules: absolute, relative,
 * star (with `__all__`), literal importlib/__import__ imports, `__init__` chains, extensions as leaves.
 * Also keeps what the interpreter needs besides modules: metadata folders, the native files and
 * data of reached packages. Every file carries the reason that kept it.
 */
export async function buildPythonGraph(root: string, files: string[], entries: string[], opts: PythonGraphOptions = {}): Promise<PythonGraphResult> {
  const io = opts.io ?? createJobIO(root);
  const read = opts.read ?? (async (f: string) => io.readUtf8(f));
  const idx = buildModuleIndex(files);
  const stdlib = opts.stdlib ?? stdlibNames(opts.python);
  const arch = opts.arch ?? HOST_ARCH;
  const cache = new Map<string, PyFileInfo | null>();
  const load = async (file: string): Promise<PyFileInfo | null> => {
    if (cache.has(file)) return cache.get(file)!;
    const code = await read(file);
    const info =
      code === undefined
        ? null
        : (() => {
            const parsed = io.parsePython(file, code);
            return { file, code, parsed, scan: scanPythonFile(file, code, parsed) };
          })();
    cache.set(file, info);
    return info;
  };
  const roots = [''];
  for (const r of opts.searchRoots ?? []) if (!roots.includes(r)) roots.push(r);

  // Literal sys.path edits in reached files add search roots; a new root can change how earlier files
  // resolve, so the walk restarts until the roots are stable (parses are cached).
  for (;;) {
    const graph: ModuleGraph = { files: {}, edges: [], packages: {}, entries: [...entries] };
    const diagnostics: Diagnostic[] = [];
    const infos = new Map<string, PyFileInfo>();
    const modules: Record<string, string> = {};
    const queue: string[] = [];
    const opaqueTops = new Set<string>();
    const newRoots: string[] = [];
    const add = (file: string, reason: Reason) => {
      const existing = graph.files[file];
      if (existing) {
        if (existing.reasons.length < 8 && !existing.reasons.some((r) => r.code === reason.code && r.parent === reason.parent)) existing.reasons.push(reason);
        return;
      }
      const kind = file.endsWith('.py') ? 'python' : EXTENSION_RE.test(file) ? 'native' : 'asset';
      const pkg = topPackage(file, roots, idx);
      graph.files[file] = { kind, reasons: [reason], ...(pkg ? { package: pkg } : {}) };
      if (kind === 'python') queue.push(file);
    };
    for (const e of entries) add(e, { code: 'handler', text: 'handler module', parent: e });

    let i = 0;
    // Walks the queue from where it stopped; called again when opaque packages add files.
    const drain = async () => {
      for (; i < queue.length; i++) {
        const file = queue[i];
        const info = await load(file);
        if (!info) {
          diagnostics.push(diag('FL008', 'warning', `${file} could not be read as UTF-8 text: kept as is`, { file }));
          continue;
        }
        infos.set(file, info);
        const me = moduleNameOf(file, roots);
        if (me) modules[file] = info.module = me.name;
        const { scan } = info;
        if (scan.parseError) {
          const top = topPackage(file, roots, idx);
          if (top) opaqueTops.add(top);
          else {
            // App code whose imports cannot be read (a handler would not even get the fallback finder):
            // nothing is stripped.
            for (const f of files) add(f, { code: 'unparsed-app-module', text: `${file} could not be parsed: every file kept`, parent: file });
          }
          diagnostics.push(
            diag('FL101', 'warning', `${file}: ${scan.parseError.message}: kept as is, its imports are not followed`, {
              file,
              line: scan.parseError.line,
              column: scan.parseError.column,
              note: top ? `package ${top} is kept whole` : 'every file is kept; fix the syntax (Python 3.11 fails to import it too)',
            }),
          );
          continue;
        }
        for (const dir of scan.pathInserts) if (!roots.includes(dir) && !newRoots.includes(dir) && idx.dirs.has(dir)) newRoots.push(dir);
        for (const line of scan.unknownPathInserts) {
          diagnostics.push(diag('FL104', 'info', `${file}:${line}: sys.path edit with a computed path; only literal paths are followed`, { file, line }));
        }
        for (const imp of scan.imports) {
          const edge = resolveImport(imp, file, me, roots, idx, stdlib);
          graph.edges.push(edge);
          for (const to of edge.to) add(to, { code: 'import', text: `${describe(imp)} (line ${imp.line})`, parent: file });
          if (imp.unknown) {
            const top = topPackage(file, roots, idx);
            if (top) opaqueTops.add(top);
            diagnostics.push(
              diag(
                'FL103',
                'warning',
                `${file}:${imp.line}: dynamic import with a computed name: ${top ? `package ${top} kept whole` : 'every app module kept'}`,
                {
                  file,
                  line: imp.line,
                  note: 'use a literal module name, or list the package under "opaque"/"keep" in the configuration',
                },
              ),
            );
            if (!top)
              for (const f of files)
                if (f.endsWith('.py') && !topPackage(f, roots, idx))
                  add(f, { code: 'opaque-package', text: 'app module kept: computed dynamic import', parent: file });
          }
          if (edge.error && !imp.guarded && !imp.inFunction && !imp.unknown) {
            diagnostics.push(
              diag('FL102', 'warning', `${file}:${imp.line}: ${edge.error}`, {
                file,
                line: imp.line,
                note: 'the import fails at run time unless the runtime provides the module',
              }),
            );
          }
        }
      }
    };
    await drain();
    if (newRoots.length) {
      roots.push(...newRoots);
      continue;
    }
    // Opaque packages add their files, whose imports are followed in turn, until nothing changes.
    for (;;) {
      const before = Object.keys(graph.files).length;
      keepSupportFiles(files, roots, idx, graph, opaqueTops, add);
      await drain();
      if (Object.keys(graph.files).length === before) break;
    }
    checkNative(
      io,
      Object.keys(graph.files).filter((f) => graph.files[f].kind === 'native'),
      arch,
      diagnostics,
    );
    for (const top of new Set(
      Object.values(graph.files)
        .map((f) => f.package)
        .filter((p): p is string => !!p),
    )) {
      graph.packages[top] = {
        name: top,
        dir: packageDir(top, roots, idx) ?? top,
        opaque: opaqueTops.has(top),
        ...(opaqueTops.has(top) ? { opaqueReason: 'computed dynamic import or unparsable file' } : {}),
      };
    }
    for (const d of namespaceDirs(graph))
      diagnostics.push(diag('FL502', 'info', `${d} is a namespace package (no __init__.py): its portions are searched in every root`, { file: d }));
    graph.edges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.record.line - b.record.line));
    return { graph, searchRoots: roots, infos, modules, diagnostics };
  }
}

function describe(imp: PyImport): string {
  if (imp.kind === 'import') return `import ${imp.module}`;
  if (imp.kind === 'from') return `from ${imp.module} import ${imp.names.map((n) => n.name).join(', ')}`;
  if (imp.kind === 'star') return `from ${imp.module} import *`;
  return imp.unknown ? 'dynamic import (computed)' : `import_module('${imp.module}')`;
}

function resolveImport(
  imp: PyImport,
  file: string,
  me: { name: string; isPackage: boolean } | undefined,
  roots: string[],
  idx: ModuleIndex,
  stdlib: Set<string>,
): ResolvedEdge {
  // topLevel false = inside a def/lambda: it runs when that function runs, not while the module loads.
  const record: ImportRecord = {
    kind: imp.kind === 'dynamic' ? 'dynamic-import' : 'import',
    line: imp.line,
    column: imp.column,
    ...(imp.unknown ? { unknown: true } : { specifier: imp.module }),
    topLevel: !imp.inFunction,
  };
  const edge: ResolvedEdge = { from: file, record, to: [] };
  if (imp.unknown) return edge;
  let name = imp.module;
  if (name.startsWith('.')) {
    if (!me) {
      edge.error = `relative import "${name}" in a file that is not inside a package`;
      return edge;
    }
    const pkg = me.isPackage ? me.name : me.name.split('.').slice(0, -1).join('.');
    const level = name.length - name.replace(/^\.+/, '').length;
    if (level - 1 >= pkg.split('.').length + (pkg ? 0 : 1) || !pkg) {
      edge.error = `relative import "${name}" goes beyond the top-level package`;
      return edge;
    }
    name = resolveRelativeName(name, pkg);
  }
  const res = resolveModule(idx, roots, name);
  const top = name.split('.')[0];
  if (res.external) {
    if (stdlib.has(top) || LAMBDA_PROVIDED.includes(top) || stdlib.size === 0) edge.builtin = top;
    else edge.error = `module "${name}" is neither in the package nor in the standard library`;
    return edge;
  }
  edge.to.push(...res.files);
  if (!res.found) {
    edge.error = `module "${res.missing}" not found in the package`;
    return edge;
  }
  // `from pkg import x` imports submodule pkg.x when x is one; `from pkg import *` the submodules named in __all__.
  const sub = imp.kind === 'from' ? imp.names.map((n) => n.name) : [];
  for (const n of sub) {
    const s = resolveModule(idx, roots, `${name}.${n}`);
    if (s.found) for (const f of s.files) if (!edge.to.includes(f)) edge.to.push(f);
  }
  return edge;
}

/** Top-level module name of a file, for files inside a package directory (none for root-level app modules). */
function topPackage(file: string, roots: string[], idx: ModuleIndex): string | undefined {
  const m = moduleNameOf(file, roots);
  if (m) return m.name.includes('.') || m.isPackage ? m.name.split('.')[0] : undefined;
  // Non-module files (data, metadata): the first directory under the longest root, when it is a package.
  const r = [...roots].sort((a, b) => b.length - a.length).find((x) => x === '' || file.startsWith(`${x}/`)) ?? '';
  const relPath = r ? file.slice(r.length + 1) : file;
  const first = relPath.split('/')[0];
  if (!relPath.includes('/')) return undefined;
  const dir = r ? `${r}/${first}` : first;
  return idx.files.has(`${dir}/__init__.py`) ? first : undefined;
}

function packageDir(top: string, roots: string[], idx: ModuleIndex): string | undefined {
  for (const r of roots) {
    const d = r ? `${r}/${top}` : top;
    if (idx.dirs.has(d)) return d;
  }
  return undefined;
}

function namespaceDirs(graph: ModuleGraph): string[] {
  const out = new Set<string>();
  for (const e of graph.edges)
    for (const t of e.to) {
      if (!t.includes('/')) continue;
      const dir = t.slice(0, t.lastIndexOf('/'));
      if (dir && !t.endsWith('__init__.py') && !graph.files[`${dir}/__init__.py`] && /\.py$/.test(t)) out.add(dir);
    }
  return [...out].filter((d) => !Object.keys(graph.files).some((f) => f === `${d}/__init__.py`)).sort();
}

const METADATA_RE = /(^|\/)[^/]+\.(dist-info|egg-info)(\/|$)/;
const CACHE_RE = /(^|\/)__pycache__\/|\.py[co]$/;

/**
 * Non-module files: metadata folders always stay (importlib.metadata, pkg_resources); native files of
 * a reached top-level package always stay; a data file stays when its nearest enclosing package
 * (directory with __init__.py) was reached, or when it sits outside every package; caches never count.
 * Opaque packages keep every file.
 */
function keepSupportFiles(
  files: string[],
  roots: string[],
  idx: ModuleIndex,
  graph: ModuleGraph,
  opaqueTops: Set<string>,
  add: (f: string, r: Reason) => void,
): void {
  const reachedTops = new Set(
    Object.values(graph.files)
      .map((x) => x.package)
      .filter((x): x is string => !!x),
  );
  const reachedPkgDirs = new Set(
    Object.keys(graph.files)
      .filter((f) => /(^|\/)__init__(\.py|\..*\.so)$/.test(f))
      .map((f) => f.slice(0, f.lastIndexOf('/'))),
  );
  for (const f of files) {
    if (graph.files[f]) continue;
    if (METADATA_RE.test(f)) {
      add(f, { code: 'metadata', text: 'package metadata (importlib.metadata / pkg_resources read it)' });
      continue;
    }
    const top = topPackage(f, roots, idx);
    if (top && opaqueTops.has(top) && !CACHE_RE.test(f)) {
      add(f, { code: 'opaque-package', text: `package ${top} kept whole` });
      continue;
    }
    if (f.endsWith('.py') || CACHE_RE.test(f)) continue;
    // Native code of a kept distribution stays whole: C code imports its siblings by itself, and
    // $ORIGIN-relative library paths would break from the fallback mirror.
    if (/\.so(\.\d+)*$/.test(f) && top && reachedTops.has(top)) {
      add(f, { code: 'native', text: `native file of kept package ${top}` });
      continue;
    }
    const pkg = nearestPackage(f, idx);
    if (pkg === undefined) add(f, { code: 'asset', text: 'data file outside any package' });
    else if (reachedPkgDirs.has(pkg))
      add(f, { code: 'asset', text: `${EXTENSION_RE.test(f) ? 'native file' : 'data file'} of reached package ${pkg}`, parent: `${pkg}/__init__.py` });
  }
}

function nearestPackage(file: string, idx: ModuleIndex): string | undefined {
  let dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  while (dir) {
    if (idx.files.has(`${dir}/__init__.py`) || idx.extensions.has(`${dir}/__init__`)) return dir;
    dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
  }
  return undefined;
}

const TAG_RE = /\.cpython-\d+[a-z]*-([A-Za-z0-9_]+)-linux-gnu\.so$/;

/** A native extension built for another machine cannot be imported: say so clearly (nothing is changed). */
function checkNative(io: JobIO, natives: string[], arch: string, diagnostics: Diagnostic[]): void {
  for (const f of natives) {
    const tag = TAG_RE.exec(f)?.[1];
    let machine = tag;
    if (!tag) {
      try {
        const buf = Buffer.alloc(20); // zero-filled: a file shorter than a header reads as not-ELF
        io.readHead(f, 20).copy(buf);
        const m = buf.readUInt16LE(18);
        machine =
          m === 0x3e ? 'x86_64' : m === 0xb7 ? 'aarch64' : buf.subarray(0, 4).toString('latin1') === '\x7fELF' ? `machine-0x${m.toString(16)}` : 'not-ELF';
      } catch {
        continue;
      }
    }
    if (machine !== arch) {
      diagnostics.push(
        diag('FL501', 'error', `${f} is a native extension for ${machine}, but the target is ${arch}: importing it fails`, {
          file: f,
          note: `vendor the package built for ${arch} (pip install --platform manylinux2014_${arch} --only-binary=:all: -t …)`,
        }),
      );
    }
  }
}
