// Which handler to measure: found the way `optimize` finds it (loadApp: --handler, config,
// serverless.yml, SAM, GCF package.json …), and when no descriptor names one, the single
// conventional entry point of the folder (index.handler, handler.handler, app.handler,
// lambda_function.lambda_handler).
import { promises as fsp } from 'node:fs';
import { diag, FaaslightError, UsageError } from '../diagnostics.js';
import { loadApp } from '../app/index.js';
import { findHandlerFile, handlerCandidates } from '../app/handler-string.js';
import { isZip, makeBase, removeBase, unpackInto } from '../sandbox/index.js';
import type { HandlerSpec } from '../types.js';
import type { Platform } from './types.js';

export const CONVENTIONAL_HANDLERS = ['index.handler', 'handler.handler', 'app.handler', 'lambda_function.lambda_handler'] as const;

export async function findHandlers(dir: string, handlerOpt?: string, target?: string): Promise<HandlerSpec[]> {
  try {
    const { app } = await loadApp(dir, { handlers: handlerOpt ? [handlerOpt] : undefined, target });
    return app.handlers;
  } catch (e) {
    // Only "no handler found" falls through to the conventions; a wrong --handler stays an error.
    if (handlerOpt || !(e instanceof FaaslightError) || e.diagnostic?.id !== 'FL002') throw e;
  }
  const found: string[] = [];
  for (const h of CONVENTIONAL_HANDLERS) {
    if (await findHandlerFile(dir, handlerCandidates(h, ['nodejs', 'python']))) found.push(h);
  }
  if (found.length !== 1) {
    const why = found.length ? `several conventional handlers (${found.join(', ')})` : `no handler (looked for ${CONVENTIONAL_HANDLERS.join(', ')})`;
    throw new UsageError(
      `${dir}: ${why}; choose one with --handler file.export`,
      diag('FL002', 'error', 'no handler found', { note: 'pass --handler file.export' }),
    );
  }
  const { app } = await loadApp(dir, { handlers: found, target });
  return app.handlers.map((h) => ({ ...h, source: 'convention' }));
}

/** Exactly one handler to measure. */
export async function findHandler(dir: string, handlerOpt?: string, target?: string): Promise<HandlerSpec> {
  const hs = await findHandlers(dir, handlerOpt, target);
  if (hs.length > 1) throw new UsageError(`${dir} has ${hs.length} handlers (${hs.map((h) => h.handler).join(', ')}): choose one with --handler`);
  return hs[0];
}

/** What a caller with only a package and maybe a handler string knows (the `measure` command). */
export interface HandlerQuery {
  input: string;
  vs?: string;
  /** Handler string (Lambda) or target (GCF); found the way `optimize` finds handlers when absent. */
  handler?: string;
  platform?: Platform;
}

/** A missing package is a usage error: nothing is started. */
export async function assertPackage(input: string): Promise<void> {
  const st = await fsp.stat(input).catch(() => undefined);
  if (!st) throw new UsageError(`package not found: ${input}`, diag('FL001', 'error', `package not found: ${input}`));
}

/**
 * The handlers of A and B, each resolved once through the app loader (a zip is looked into), for
 * measure(): B's only when it is another spec. A side whose zip cannot be read keeps the named handler
 * with the other side's runtime, so its runs report the unpack error.
 */
export async function resolveMeasureHandlers(q: HandlerQuery): Promise<{ handler: HandlerSpec; vsHandler?: HandlerSpec }> {
  const handlers = await Promise.all([q.input, ...(q.vs ? [q.vs] : [])].map((input) => handlerOf(input, q)));
  const known = handlers.find((h) => !h.source.endsWith('(package unreadable)'));
  for (const h of handlers) if (known && h.source.endsWith('(package unreadable)')) h.runtime = known.runtime;
  return { handler: handlers[0], ...(handlers[1] ? { vsHandler: handlers[1] } : {}) };
}

/** The handler of a folder or a zip (a zip is extracted once, into a temporary folder, to look inside). */
async function handlerOf(input: string, opts: HandlerQuery): Promise<HandlerSpec> {
  await assertPackage(input);
  const target = opts.platform === 'gcf' ? opts.handler : undefined;
  const handler = opts.platform === 'gcf' ? undefined : opts.handler;
  if (!isZip(input)) return findHandler(input, handler, target);
  const base = await makeBase();
  try {
    const root = await unpackInto(base, input).catch((e: Error) => e);
    if (root instanceof Error) {
      // With the handler named, every run reports the unpack error itself (and an A/B still measures the other side).
      if (opts.handler) return unresolvedSpec(opts.handler, opts.platform === 'gcf');
      throw new UsageError(`cannot open the zip ${input}: ${root.message}`);
    }
    return await findHandler(root.dir, handler, target);
  } finally {
    await removeBase(base);
  }
}

/** A handler we could not look up (unreadable zip): runs will fail at unpack and say why. */
function unresolvedSpec(handler: string, gcf: boolean): HandlerSpec {
  const dot = handler.lastIndexOf('.');
  return {
    handler,
    file: '',
    exportName: gcf ? handler : handler.slice(dot + 1),
    runtime: 'nodejs', // replaced by the other package's runtime when there is one
    style: gcf ? 'gcf' : 'aws',
    source: '--handler (package unreadable)',
  };
}
