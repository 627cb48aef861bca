// Which handler to measure: found the way `optimize` finds it (loadApp: --handler, config,
// serverless.yml, SAM, GCF package.json …), and when no descriptor names one, the single
// conventional entry point of the folder (index.handler, handler.handler, app.handler,
// lambda_function.lambda_handler).
import { diag, FaaslightError, UsageError } from '../diagnostics.js';
import { loadApp } from '../app/index.js';
import { findHandlerFile, handlerCandidates } from '../app/handler-string.js';
import type { HandlerSpec } from '../types.js';

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
  if (hs.length > 1)
    throw new UsageError(`${dir} has ${hs.length} handlers (${hs.map((h) => h.handler).join(', ')}): choose one with --handler`);
  return hs[0];
}
