import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../types.js';

/** Extensions the Lambda Node runtime tries, in its order. */
export const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

export interface ParsedHandler {
  /** Module path without extension, relative to the root, POSIX ("src/index", "pkg/module"). */
  modulePath: string;
  /** Export or function name; for Node it may be nested ("handlers.main"). */
  exportName: string;
}

/**
 * Node: `dir/file.export` — the first dot after the last slash splits the module from the
 * export path, as the Lambda Node runtime does (so `index.handlers.main` is `handlers.main` of index).
 */
export function parseNodeHandler(handler: string): ParsedHandler | undefined {
  const slash = handler.lastIndexOf('/');
  const base = handler.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return { modulePath: handler.slice(0, slash + 1) + base.slice(0, dot), exportName: base.slice(dot + 1) };
}

/**
 * Python: `pkg/module.function` or `pkg.module.function` — the last dot splits off the function,
 * every earlier dot is a package separator.
 */
export function parsePythonHandler(handler: string): ParsedHandler | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  const modulePath = handler.slice(0, dot).replace(/\./g, '/');
  if (modulePath.split('/').some((p) => p === '')) return undefined;
  return { modulePath, exportName: handler.slice(dot + 1) };
}

export interface HandlerCandidate {
  runtime: Runtime;
  /** Relative POSIX path tried. */
  file: string;
  exportName: string;
}

/** Every file the handler string could mean, in the order the runtimes try them. */
export function handlerCandidates(handler: string, runtimes: readonly Runtime[]): HandlerCandidate[] {
  const out: HandlerCandidate[] = [];
  for (const runtime of runtimes) {
    if (runtime === 'nodejs') {
      const p = parseNodeHandler(handler);
      if (p) for (const ext of NODE_EXTENSIONS) out.push({ runtime, file: p.modulePath + ext, exportName: p.exportName });
    } else {
      const p = parsePythonHandler(handler);
      if (p) {
        out.push({ runtime, file: `${p.modulePath}.py`, exportName: p.exportName });
        out.push({ runtime, file: `${p.modulePath}/__init__.py`, exportName: p.exportName });
      }
    }
  }
  return out;
}

/** First candidate that exists as a file under root. */
export async function findHandlerFile(root: string, candidates: readonly HandlerCandidate[]): Promise<HandlerCandidate | undefined> {
  for (const c of candidates) {
    const st = await fsp.stat(path.join(root, c.file)).catch(() => undefined);
    if (st?.isFile()) return c;
  }
  return undefined;
}

/** Runtime family of a deployment runtime id ("nodejs20.x" → nodejs); undefined for others (java, provided …). */
export function runtimeOf(runtimeId: string | undefined): Runtime | undefined {
  if (!runtimeId) return undefined;
  if (/^nodejs/i.test(runtimeId)) return 'nodejs';
  if (/^python/i.test(runtimeId)) return 'python';
  return undefined;
}

/** The Node major of a Lambda runtime id (`nodejs20.x` → 20), undefined for anything else. */
export function lambdaNodeMajor(runtimeId: string | undefined): number | undefined {
  const m = /^nodejs(\d+)\.x$/.exec(runtimeId ?? '');
  return m ? Number(m[1]) : undefined;
}
