import { magicString } from '../../../util/magic-string.js';
import { diag } from '../../../diagnostics.js';
import { parsePython, type ParsedPython } from '../analyze/parser.js';
import { scanPythonFile } from '../analyze/scan.js';
import type { StubCandidate } from '../analyze/stubs.js';
import type { Diagnostic, ImportDecision } from '../../../types.js';
import { rewritePythonLazy } from './lazy.js';
import { hasShim, insertHeader, shimStatement } from './shim.js';
import { stubPythonFunctions } from './stubs.js';

export { injectPythonShim, writePythonShim, PYTHON_SHIM_SOURCE, PYTHON_SHIM_TARGET, shimStatement } from './shim.js';
export { rewritePythonLazy, lazyImportBlocker } from './lazy.js';
export { stubPythonFunctions, stubBlocker } from './stubs.js';

export interface PythonTransformResult {
  code: string;
  changed: boolean;
  /** One "before → after" line per edit, for the report. */
  applied: string[];
  /** Ids of the lazy decisions' sites rewritten. */
  lazySites: string[];
  /** First lines (`def`) of the functions replaced by stubs. */
  stubbedLines: number[];
  /** The original file must go into the fallback store: its stubs compile the originals from it. */
  storeOriginal: boolean;
  diagnostics: Diagnostic[];
}

/**
 * Transforms one Python module: lazy imports for its lazy decisions, stubs for its candidates, and the
 * shim statement when anything changed or the file is a handler (which installs the fallback finder).
 * Every other byte stays as it was. If the result does not parse, the file is kept as is (FL202).
 */
export function transformPythonFile(
  file: string,
  code: string,
  decisions: ImportDecision[],
  stubs: StubCandidate[],
  opts: { isHandler?: boolean; parse?: (code: string) => ParsedPython } = {},
): PythonTransformResult {
  const parse = opts.parse ?? parsePython;
  const mine = decisions.filter((d) => d.site.file === file && d.decision === 'lazy');
  const fns = stubs.filter((s) => s.file === file);
  const unchanged: PythonTransformResult = { code, changed: false, applied: [], lazySites: [], stubbedLines: [], storeOriginal: false, diagnostics: [] };
  if (!mine.length && !fns.length && !opts.isHandler) return unchanged;
  if (hasShim(code)) return { ...unchanged, diagnostics: [diag('FL202', 'warning', `${file} already contains the faaslight shim: kept as is`, { file })] };
  const parsed = parse(code);
  if (parsed.error) {
    return { ...unchanged, diagnostics: [diag('FL202', 'warning', `${file}: ${parsed.error.message}: kept as is`, { file, line: parsed.error.line })] };
  }
  const futures = scanPythonFile(file, code, parsed).futures;
  const ms = magicString(code);
  const lazy = rewritePythonLazy(code, mine, ms);
  const st = stubPythonFunctions(file, code, fns, futures, ms);
  const header = shimStatement(file) + (st.header ? `; ${st.header}` : '');
  let out: string;
  try {
    out = insertHeader(ms.toString(), header, parse);
  } catch (e) {
    return { ...unchanged, diagnostics: [diag('FL202', 'warning', `${file}: ${(e as Error).message}: kept as is`, { file })] };
  }
  const check = parse(out);
  if (check.error) {
    return {
      ...unchanged,
      diagnostics: [
        diag('FL202', 'error', `${file}: rewrite produced invalid code (${check.error.message} at line ${check.error.line}): kept as is`, { file }),
      ],
    };
  }
  return {
    code: out,
    changed: true,
    applied: [...(opts.isHandler ? ['shim → installed'] : []), ...lazy.applied, ...st.stubbed],
    lazySites: lazy.sites,
    stubbedLines: st.lines,
    storeOriginal: st.stubbed.length > 0,
    diagnostics: [],
  };
}
