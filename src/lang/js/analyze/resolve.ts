import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import enhancedResolve from 'enhanced-resolve';

type UserResolveOptions = Parameters<typeof enhancedResolve.ResolverFactory.createResolver>[0];
import { abs, isInside, rel } from '../../../util/paths.js';

export type ResolveKind = 'require' | 'import';

export interface Resolution {
  /** Resolved file, POSIX relative to the root (symlinks followed to the real file, as Node does). */
  file?: string;
  /**
   * The same file seen through the symlink(s) it was reached by, when that differs from `file`.
   * Packaging materialises links as copies, so in the deployed package Node loads this path.
   */
  linkPath?: string;
  /** Node built-in module name as written ("fs", "node:path"). */
  builtin?: string;
  error?: string;
}

export interface ResolverOptions {
  /** Target Node version: from 20.19 / 22.10 the "module-sync" export condition is honoured. Default: the running Node. */
  nodeVersion?: string;
}

export interface Resolver {
  resolve(fromFile: string, specifier: string, kind: ResolveKind): Resolution;
}

/** Node honours the "module-sync" condition from 20.19 (backport) and 22.10. */
function hasModuleSync(version: string): boolean {
  const [maj, min] = version.replace(/^v/, '').split('.').map(Number);
  return maj > 22 || (maj === 22 && min >= 10) || (maj === 20 && min >= 19);
}

/**
 * A resolver that answers as Node's own loaders would, for files inside `root`.
 *
 * - require: exact file, then the `.js`, `.json`, `.node` extensions (Node never probes `.cjs`/`.mjs`),
 *   then the directory's package.json `main` and `index.*`; conditions node/require/default.
 * - import: relative and absolute specifiers must be fully specified (no extension probing, no
 *   directory index), conditions node/import/default; a bare package without `exports` still gets
 *   the legacy `main` lookup with extensions, as Node's ESM resolver does.
 * - both: `exports` and `imports` (`#internal`) fields, package self-reference, symlinks to real paths
 *   (the path through the link is reported too: it is the one a materialised package uses).
 * A file that resolves outside the root is not part of the app: reported as an error.
 */
export function createResolver(root: string, opts: ResolverOptions = {}): Resolver {
  const realRoot = fs.realpathSync(root);
  const fileSystem = new enhancedResolve.CachedInputFileSystem(fs, 60_000);
  const sync = hasModuleSync(opts.nodeVersion ?? process.versions.node) ? ['module-sync'] : [];
  const common: Omit<UserResolveOptions, 'conditionNames'> = {
    fileSystem,
    useSyncFileSystemCalls: true,
    mainFields: ['main'],
    mainFiles: ['index'],
    exportsFields: ['exports'],
    importsFields: ['imports'],
    aliasFields: [], // the "browser" field is for bundlers, not Node
    modules: ['node_modules'],
    descriptionFiles: ['package.json'],
    symlinks: false, // real paths are computed below, so the path through the link is known too
    preferRelative: false,
    pnpApi: null,
  };
  const resolvers = {
    require: enhancedResolve.ResolverFactory.createResolver({
      ...common,
      conditionNames: ['node', ...sync, 'require', 'default'],
      extensions: ['.js', '.json', '.node'],
      enforceExtension: false,
    }),
    import: enhancedResolve.ResolverFactory.createResolver({
      ...common,
      conditionNames: ['node', ...sync, 'import', 'default'],
      extensions: ['.js', '.json', '.node'], // only used for the legacy `main` lookup
      fullySpecified: true,
    }),
  };
  const cache = new Map<string, Resolution>();

  return {
    resolve(fromFile, specifier, kind) {
      if (isBuiltin(specifier)) return { builtin: specifier };
      const dir = path.dirname(abs(realRoot, fromFile));
      const key = `${kind}\0${dir}\0${specifier}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = resolveUncached(dir, specifier, kind);
        cache.set(key, hit);
      }
      return hit;
    },
  };

  function resolveUncached(dir: string, specifier: string, kind: ResolveKind): Resolution {
    let request = specifier;
    if (kind === 'import' && specifier.startsWith('file:')) {
      try {
        request = new URL(specifier).pathname;
      } catch {
        return { error: `invalid file URL ${specifier}` };
      }
    }
    if (kind === 'import' && /^[a-z][a-z0-9+.-]*:/i.test(request)) return { error: `unsupported URL scheme in ${specifier}` };
    let found: string | false;
    try {
      found = resolvers[kind].resolveSync({}, dir, request);
    } catch (e) {
      // Messages name absolute folders; keep them relative to the app so diagnostics are portable.
      return { error: firstLine(e).split(realRoot + path.sep).join('').split(realRoot).join('.') };
    }
    if (!found) return { error: `cannot resolve ${specifier}` };
    let real: string;
    try {
      real = fs.realpathSync(found);
    } catch {
      real = found;
    }
    if (!isInside(realRoot, real)) return { error: `${specifier} resolves outside the app (${real})` };
    const file = rel(realRoot, real);
    const seen = isInside(realRoot, found) ? rel(realRoot, found) : file;
    return seen === file ? { file } : { file, linkPath: seen };
  }
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}
