import type { Diagnostic, Severity } from './types.js';

/** Catalogue of stable diagnostic ids. Add new ids at the end of their block; never renumber. */
export const DIAGNOSTICS = {
  // 0xx: input and usage
  FL001: 'app folder not found',
  FL002: 'no handler found',
  FL003: 'handler file not found',
  FL004: 'handler export not found',
  FL005: 'output path inside the input',
  FL006: 'invalid configuration',
  FL007: 'symlink points outside the app',
  FL008: 'file not readable as UTF-8 text',
  FL009: 'file too large to analyse',
  FL010: 'deployment descriptor could not be read',
  FL011: 'event file missing or not valid JSON',
  FL012: 'a package.json above the app folder changes how its files load here',
  FL013: 'symlink loop',
  // 1xx: analysis
  FL101: 'parse error: file kept as is',
  FL102: 'module could not be resolved',
  FL103: 'dynamic require/import with unknown specifier: package kept whole',
  FL104: 'dynamic require/import widened to a pattern',
  FL105: 'handler throws at init',
  FL106: 'trace and static analysis disagree',
  // 2xx: plan and transform
  FL201: 'import kept eager',
  FL202: 'rewrite failed: file kept as is',
  FL203: 'bundle: a root could not be bundled, its files kept as files',
  // 3xx: verify and measure
  FL301: 'output differs after optimization',
  FL302: 'fallback load during verification',
  FL303: 'measurement run failed',
  // 4xx: packaging
  FL401: 'output folder exists and is not a previous faaslight output',
  FL402: 'zip entry escapes the target folder',
  FL403: 'fallback store unreadable or corrupt',
  FL404: 'file both kept and stripped',
  // 5xx: python
  FL501: 'native extension built for another architecture',
  FL502: 'namespace package (no __init__.py)',
  FL503: 'circular import between modules',
  FL504: 'function not turned into a stub',
  FL505: 'Python interpreter does not match the target runtime',
} as const;

export type DiagnosticId = keyof typeof DIAGNOSTICS;

export function diag(id: DiagnosticId, severity: Severity, message: string, extra: Omit<Diagnostic, 'id' | 'severity' | 'message'> = {}): Diagnostic {
  return { id, severity, message, ...extra };
}

/** Errors that end a job: usage (exit 2) or a failure of the job itself (exit 1). */
export class FaaslightError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    readonly diagnostic?: Diagnostic,
  ) {
    super(message);
    this.name = 'FaaslightError';
  }
}

export class UsageError extends FaaslightError {
  constructor(message: string, diagnostic?: Diagnostic) {
    super(message, 2, diagnostic);
    this.name = 'UsageError';
  }
}
