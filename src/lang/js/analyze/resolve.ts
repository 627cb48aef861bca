import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import enhancedResolve from 'enhanced-resolve';
import { supportsRequireEsm } from '../imports.js';
import { abs, isInside, rel } from '../../../util/paths.js';

type UserResolveOptions = Parameters<typeof enhancedResolve.ResolverFactory.createResolver>[0];

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
  /**
   * The target's Node version (pipeline's nodeVersionFor: "20.0.0" for Lambda's nodejs20.x, which runs with
   * --no-experimental-require-module). Required: resolving as the running Node does would keep files that the
   * target never loads and strip the ones it does.
   */
  nodeVersion: string;
}

export interface Resolver {
  resolve(fromFile: string, specifier: string, kind: ResolveKind): Resolution;
}

/**
 * The conditions Node matches in `exports` and `imports` (self-references and fallback arrays included) for
 * the target. Node adds "module-sync" exactly when require(esm) is on (lib/internal/modules/esm/utils.js
 * ties it to --experimental-require-module), so a runtime started with --no-experimental-require-module
 * takes the "require"/"import" branch instead.
 */
export function targetConditions(nodeVersion: string, kind: ResolveKind): string[] {
  return ['node', ...(supportsRequireEsm(nodeVersion) ? ['module-sync'] : []), kind, 'default'];
}

/**
 * A resolver that answers as Node's own loaders would, for files inside `root`.
 *
 * - require: exact file, then the `.js`, `.json`, `.node` extensions (Node never probes `.cjs`/`.mjs`),
 *   then the directory's package.json `main` and `index.*`; conditions node/require/default (targetConditions).
 * - import: relative and absolute specifiers must be fully specified (no extension probing, no
 *   directory index), conditions node/import/default; a bare package without `exports` still gets
 *   the legacy `main` lookup with extensions, as Node's ESM resolver does.
 * - both: `exports` and `imports` (`#internal`) fields, package self-reference, symlinks to real paths
 *   (the path through the link is reported too: it is the one a materialised package uses).
 * A file that resolves outside the root is not part of the app: reported as an error.
 */
export function createResolver(root: string, opts: ResolverOptions): Resolver {
  const realRoot = fs.realpathSync(root);
  const fileSystem = new enhancedResolve.CachedInputFileSystem(fs, 60_000);
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
      conditionNames: targetConditions(opts.nodeVersion, 'require'),
      extensions: ['.js', '.json', '.node'],
      enforceExtension: false,
    }),
    import: enhancedResolve.ResolverFactory.createResolver({
      ...common,
      conditionNames: targetConditions(opts.nodeVersion, 'import'),
      extensions: ['.js', '.json', '.node'], // only used for the legacy `main` lookup
      fullySpecified: true,
    }),
  };
  const cache = new Map<string, Resolution>();
  const dirs = new Map<string, string>();
  // Node resolves a module's requests from its real path: a linked file (a symlinked entry, a pnpm
  // package reached through node_modules/<name>) looks up its relative and bare requests where it really is.
  const realDir = (fromFile: string): string => {
    let d = dirs.get(fromFile);
    if (d === undefined) {
      const p = abs(realRoot, fromFile);
      try {
        d = path.dirname(fs.realpathSync(p));
      } catch {
        d = path.dirname(p);
      }
      dirs.set(fromFile, d);
    }
    return d;
  };

  return {
    resolve(fromFile, specifier, kind) {
      if (isBuiltin(specifier)) return { builtin: specifier };
      const dir = realDir(fromFile);
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
      return {
        error: firstLine(e)
          .split(realRoot + path.sep)
          .join('')
          .split(realRoot)
          .join('.'),
      };
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
