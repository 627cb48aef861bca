import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { diag, UsageError } from '../diagnostics.js';
import type { AppModel, Diagnostic, FaaslightConfig, HandlerSpec, Runtime } from '../types.js';
import { listFiles } from '../util/files.js';
import { ADAPTERS, type HandlerSeed } from './adapters/index.js';
import { CONFIG_FILE, loadConfig } from './config.js';
import { findHandlerFile, handlerCandidates, parseNodeHandler, runtimeOf, type HandlerCandidate } from './handler-string.js';
import { suggestHandlers } from './suggest.js';
import { checkLinks } from './links.js';

export interface LoadAppOptions {
  /** --handler strings; they win over every descriptor. */
  handlers?: string[];
  /** GCF --target. */
  target?: string;
  /** Overrides the runtime a descriptor or the files imply. */
  runtime?: Runtime;
  /** Package a copy of what a symlink leaving the app points to (default: such a link is an error). */
  followExternalLinks?: boolean;
}

/**
 * Finds the package root, its handlers (seeds), configuration and files.
 * Handler sources, first match wins: --handler, config `handlers`, then each descriptor adapter.
 */
export async function loadApp(input: string, opts: LoadAppOptions = {}): Promise<{ app: AppModel; diagnostics: Diagnostic[] }> {
  const inputRoot = path.resolve(input);
  const st = await fsp.stat(inputRoot).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new UsageError(
      `app folder not found: ${input}`,
      diag('FL001', 'error', `app folder not found: ${input}`, { note: 'pass the folder that holds the function package' }),
    );
  }
  const diagnostics: Diagnostic[] = [];
  const inputConfig = await loadConfig(inputRoot);
  const found = await findSeeds(inputRoot, opts, inputConfig);
  diagnostics.push(...found.diagnostics);
  const root = found.root;
  // A SAM CodeUri moves the root; the package's own config then applies when the input had none.
  const configured = inputConfig ?? (root !== inputRoot ? await loadConfig(root) : undefined);

  const listing = await listFiles(root);
  const linked = await checkLinks(root, listing, opts.followExternalLinks === true);
  diagnostics.push(...linked.diagnostics);

  const handlers: HandlerSpec[] = [];
  for (const seed of found.seeds) {
    if (handlers.some((h) => h.handler === seed.handler && h.style === seed.style)) continue;
    handlers.push(await resolveSeed(root, seed, opts.runtime, linked.files));
  }
  if (handlers[0]?.runtime === 'nodejs' && !linked.files.includes('package.json')) diagnostics.push(...parentManifest(root));
  const config: FaaslightConfig = configured?.config ?? {};
  const app: AppModel = {
    root,
    runtime: opts.runtime ?? handlers[0].runtime,
    handlers,
    config,
    configSource: configured?.source,
    files: linked.files,
    bytes: linked.bytes,
  };
  return { app, diagnostics };
}

async function findSeeds(
  inputRoot: string,
  opts: LoadAppOptions,
  config: { config: FaaslightConfig; source: string } | undefined,
): Promise<{ root: string; seeds: HandlerSeed[]; diagnostics: Diagnostic[] }> {
  const fromStrings = (list: string[], source: string) => ({
    root: inputRoot,
    seeds: list.map((handler): HandlerSeed => ({ handler, style: opts.target ? 'gcf' : 'aws', source })),
    diagnostics: [],
  });
  if (opts.handlers?.length) return fromStrings(opts.handlers, '--handler');
  if (config?.config.handlers?.length) return fromStrings(config.config.handlers, `${config.source} handlers`);
  const diagnostics: Diagnostic[] = [];
  for (const adapter of ADAPTERS) {
    if (!(await adapter.detect(inputRoot, { target: opts.target }))) continue;
    const res = await adapter.handlers(inputRoot, { target: opts.target });
    diagnostics.push(...res.diagnostics);
    if (res.seeds.length) return { root: res.root ?? inputRoot, seeds: res.seeds, diagnostics };
  }
  const looked = [...ADAPTERS.map((a) => a.looksFor), `${CONFIG_FILE} "handlers"`];
  const message =
    `no handler found in ${inputRoot}: looked for ${looked.join('; ')}. ` +
    'Say which function to optimize with --handler file.export (e.g. --handler src/index.handler)';
  throw new UsageError(
    message,
    diag('FL002', 'error', 'no handler found', {
      note: 'pass --handler file.export, or add "handlers" to faaslight.config.json',
    }),
  );
}

/** Turns a seed into a HandlerSpec by finding its file the way the runtime would. */
async function resolveSeed(root: string, seed: HandlerSeed, runtimeOverride: Runtime | undefined, files: readonly string[]): Promise<HandlerSpec> {
  const runtime = runtimeOverride ?? seed.runtime ?? runtimeOf(seed.runtimeId);
  let candidates: HandlerCandidate[];
  if (seed.file && seed.exportName) {
    const r = runtime ?? (seed.file.endsWith('.py') ? 'python' : 'nodejs');
    candidates = [{ runtime: r, file: seed.file, exportName: seed.exportName }];
  } else {
    candidates = handlerCandidates(seed.handler, runtime ? [runtime] : ['nodejs', 'python']);
  }
  const hit = await findHandlerFile(root, candidates);
  if (!hit) {
    const tried = [...new Set(candidates.map((c) => c.file))];
    const similar = suggestHandlers(seed.handler, files).filter((s) => s !== seed.handler);
    // The file may exist for the other runtime: say so rather than suggest the same string.
    const otherRuntime: Runtime = runtime === 'nodejs' ? 'python' : 'nodejs';
    const other = runtime && !seed.file ? await findHandlerFile(root, handlerCandidates(seed.handler, [otherRuntime])) : undefined;
    const mismatch = other ? `; ${other.file} exists, but the runtime is ${seed.runtimeId ?? runtime}` : '';
    const ts = runtime === 'python' ? undefined : await typeScriptSource(root, seed);
    const typescript = ts ? `; ${ts} exists, but faaslight reads JavaScript: compile the TypeScript first (tsc, esbuild) and optimize the build output` : '';
    const what = tried.length ? `no file for it; tried ${tried.join(', ')}` : 'it does not look like file.export (Node) or module.function (Python)';
    const hint = similar.length ? `; did you mean ${similar.map((s) => `"${s}"`).join(' or ')}?` : '';
    throw new UsageError(
      `handler "${seed.handler}" (${seed.source}): ${what}${mismatch}${typescript}${hint}`,
      diag('FL003', 'error', `handler file not found for "${seed.handler}"`, {
        note: similar.length ? `did you mean ${similar.join(' or ')}?` : 'check the handler string and the app folder',
      }),
    );
  }
  return {
    handler: seed.handler,
    file: hit.file,
    exportName: hit.exportName,
    runtime: hit.runtime,
    ...(seed.runtimeId ? { runtimeId: seed.runtimeId } : {}),
    style: seed.style,
    source: seed.source,
    ...(seed.functionName ? { functionName: seed.functionName } : {}),
  };
}

const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];

/** The TypeScript source a Node handler string names (src/index.handler → src/index.ts), when only that exists. */
async function typeScriptSource(root: string, seed: HandlerSeed): Promise<string | undefined> {
  const modulePath = seed.file ? seed.file.replace(/\.[cm]?js$/, '') : parseNodeHandler(seed.handler)?.modulePath;
  if (modulePath === undefined) return undefined;
  for (const ext of TS_EXTENSIONS) {
    const st = await fsp.stat(path.join(root, modulePath + ext)).catch(() => undefined);
    if (st?.isFile()) return modulePath + ext;
  }
  return undefined;
}

/**
 * Node reads the nearest package.json for a .js file's module type. A deployed package has no parent
 * folder, but run in place (verify, trace) one without its own package.json inherits "type" from above.
 */
function parentManifest(root: string): Diagnostic[] {
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      let type: unknown;
      try {
        type = JSON.parse(fs.readFileSync(file, 'utf8')).type;
      } catch {
        return [];
      }
      if (type === undefined) return [];
      return [
        diag(
          'FL012',
          'warning',
          `${file} sets "type": ${JSON.stringify(type)} for the app's .js files when they run in place; deployed, the package has no parent folder`,
          {
            note: 'give the app its own package.json (with "type" as deployed) so the original and the optimized package load the same way',
          },
        ),
      ];
    }
    if (path.dirname(dir) === dir) return [];
  }
}
