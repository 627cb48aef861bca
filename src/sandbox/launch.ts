// How each runtime is started inside a task root. Node runs the real AWS runtime client
// (aws-lambda-ric) when it is installed, else our built-in bootstrap that loads handlers the same
// way; Python runs our bootstrap under the system interpreter with -S (no site-packages: only the
// package itself is importable, as on Lambda).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { UsageError } from '../diagnostics.js';
import { lambdaNodeMajor } from '../app/handler-string.js';
import type { HandlerSpec } from '../types.js';
import { DEFAULT_MEMORY_MB } from './env.js';
import { DEFAULT_PYTHON } from './python.js';
import { runtimeFile } from './runtime-files.js';
import type { RuntimeClientChoice, RuntimeClientKind } from './types.js';

export const NODE_BOOTSTRAP = runtimeFile('node/bootstrap.cjs');
export const NODE_PROFILE_HOOK = runtimeFile('node/profile-hook.cjs');
export const GCF_LISTEN_HOOK = runtimeFile('node/gcf-listen.cjs');
export const PYTHON_BOOTSTRAP = runtimeFile('python/bootstrap.py');

/** Where scripts/setup-ric.sh installs aws-lambda-ric. */
export function ricCacheDir(): string {
  return process.env.FAASLIGHT_RIC_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'faaslight/ric');
}

/** The aws-lambda-ric entry point, when installed with its native addon. */
export function findRic(cacheDir = ricCacheDir()): string | undefined {
  const pkg = path.join(cacheDir, 'node_modules/aws-lambda-ric');
  const bin = path.join(pkg, 'bin/index.mjs');
  return existsSync(bin) && existsSync(path.join(pkg, 'dist/rapid-client.node')) ? bin : undefined;
}

export function resolveRuntimeClient(choice: RuntimeClientChoice, ricBin = findRic()): { kind: 'ric' | 'builtin'; bin?: string; note?: string } {
  if (choice === 'builtin') return { kind: 'builtin' };
  if (ricBin) return { kind: 'ric', bin: ricBin };
  if (choice === 'ric')
    throw new UsageError(
      `aws-lambda-ric is not installed in ${ricCacheDir()}: run scripts/setup-ric.sh (needs autoconf automake libtool cmake), or use --runtime-client builtin`,
    );
  return {
    kind: 'builtin',
    note: `aws-lambda-ric not found in ${ricCacheDir()}: using the built-in Node bootstrap (scripts/setup-ric.sh installs the real one)`,
  };
}

export function functionsFrameworkMain(): string {
  const require = createRequire(import.meta.url);
  // The package exports no ./package.json; its main entry sits next to the CLI script (build/src/main.js).
  return path.join(path.dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
}

/**
 * The V8 flags Lambda's Node.js bootstrap starts every instance with: --expose-gc, and heap limits derived
 * from the memory size (a tenth for the young generation, split in two semi-spaces; the rest old space).
 * They change how V8 sizes its heap, and they are part of what V8 checks before it accepts cached code.
 */
export function lambdaV8Flags(memoryMb: number = DEFAULT_MEMORY_MB): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return ['--expose-gc', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

/**
 * Node flags the Lambda runtime itself passes, applied to local runs (verify, measure, the code cache):
 * the V8 flags above for every Lambda (AWS-style) handler, and --no-experimental-require-module on
 * nodejs20.x and nodejs22.x (require() of an ES module throws there even where Node enables it; only
 * when this Node knows the flag). A GCF handler gets none.
 */
export function lambdaNodeFlags(handler: Pick<HandlerSpec, 'runtimeId' | 'style'>, memoryMb?: number): string[] {
  if (handler.style === 'gcf') return [];
  const major = lambdaNodeMajor(handler.runtimeId);
  const esm =
    (major === 20 || major === 22) && process.allowedNodeEnvironmentFlags.has('--experimental-require-module') ? ['--no-experimental-require-module'] : [];
  return [...esm, ...runtimeV8Flags(handler, memoryMb)];
}

/** The V8 part of lambdaNodeFlags: what cached code is checked against (none for a GCF handler). */
export function runtimeV8Flags(handler: Pick<HandlerSpec, 'style'>, memoryMb?: number): string[] {
  return handler.style === 'gcf' ? [] : lambdaV8Flags(memoryMb);
}

export interface LaunchSpec {
  cmd: string;
  args: string[];
  client: RuntimeClientKind;
  /** Extra environment for this runtime (on top of the Lambda-like environment). */
  env: Record<string, string>;
}

export interface LaunchOptions {
  runtimeClient?: RuntimeClientChoice;
  python?: string;
  profile?: boolean;
  /** File the Node profile hook writes its tree to. */
  profileOut?: string;
  /** A custom runtime command (like a provided.al2 `bootstrap`); replaces the built-in choice. */
  runtimeCommand?: string[];
  /** Lambda memory size the instance stands for: decides the V8 heap flags (default DEFAULT_MEMORY_MB). */
  memoryMb?: number;
  ricBin?: string;
}

export function awsLaunch(handler: HandlerSpec, opts: LaunchOptions): LaunchSpec {
  if (opts.runtimeCommand?.length) {
    const [cmd, ...args] = opts.runtimeCommand;
    return { cmd, args, client: 'builtin', env: {} };
  }
  if (handler.runtime === 'python') {
    const args = ['-S', '-B'];
    // -X importtime writes one line per import to stderr; the bootstrap marks where the handler's own imports begin.
    if (opts.profile) args.push('-X', 'importtime');
    args.push(PYTHON_BOOTSTRAP);
    return { cmd: opts.python ?? DEFAULT_PYTHON, args, client: 'python', env: { PYTHONUNBUFFERED: '1' } };
  }
  const pre = [...lambdaNodeFlags(handler, opts.memoryMb), ...(opts.profile ? ['-r', NODE_PROFILE_HOOK] : [])];
  const env: Record<string, string> = opts.profile && opts.profileOut ? { FAASLIGHT_PROFILE_OUT: opts.profileOut } : {};
  const client = resolveRuntimeClient(opts.runtimeClient ?? 'auto', opts.ricBin ?? findRic());
  if (client.kind === 'ric') return { cmd: process.execPath, args: [...pre, client.bin!, handler.handler], client: 'ric', env };
  return { cmd: process.execPath, args: [...pre, NODE_BOOTSTRAP], client: 'builtin', env };
}

export function gcfLaunch(handler: HandlerSpec, taskRoot: string, opts: LaunchOptions): LaunchSpec {
  const pre = ['-r', GCF_LISTEN_HOOK, ...(opts.profile ? ['-r', NODE_PROFILE_HOOK] : [])];
  const env: Record<string, string> = { NODE_ENV: 'production', FAASLIGHT_READY_FD: '3' };
  if (opts.profile && opts.profileOut) env.FAASLIGHT_PROFILE_OUT = opts.profileOut;
  return {
    cmd: process.execPath,
    args: [...pre, functionsFrameworkMain(), '--target', handler.exportName, '--source', taskRoot, '--port', '0', '--signature-type', 'http'],
    client: 'functions-framework',
    env,
  };
}
