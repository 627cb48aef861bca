// The JavaScript side of the static checks (src/lang/checks.ts): files that must parse, and handler
// exports the module must define (FL004).
import path from 'node:path';
import { diag } from '../../diagnostics.js';
import type { LoadedJob } from '../../job.js';
import type { Diagnostic } from '../../types.js';
import { parseErrors, surelyLoadedAtInit } from '../checks.js';
import type { Analysis } from '../types.js';
import { staticExports } from './analyze/exports.js';
import { parseByExtension } from './analyze/parse.js';
import type { JsImportRecord } from './analyze/scan.js';

export function checkJs(job: LoadedJob, { graph }: Analysis): Diagnostic[] {
  // A require inside `try` may fail on purpose (optional dependencies): not a sure load.
  const atInit = surelyLoadedAtInit(graph, (e) => !(e.record as JsImportRecord).optional);
  const out = parseErrors(job, graph, atInit);
  const parsed = new Set(out.map((d) => d.file));
  for (const h of job.app.handlers) {
    if (parsed.has(h.file)) continue;
    const code = job.readSource(h.file);
    if (code === undefined) continue; // unreadable: the io has said why (FL008/FL009)
    // Parsed here too when the scan skipped it (a file without import/require/export words).
    const { ast, error } = parseByExtension(job.io.jsParser(h.file, code), path.posix.extname(h.file));
    if (!ast) {
      out.push(diag('FL101', 'error', `handler file ${h.file} does not parse: ${error}`, { file: h.file }));
      parsed.add(h.file);
      continue;
    }
    // Lambda reads a dotted export path (`index.a.b`) from the first name on.
    const name = h.exportName.split('.')[0];
    const exports = staticExports(ast);
    if ('unknown' in exports) {
      job.diagnostics.push(
        diag('FL004', 'info', `${h.file}: exports not known statically (${exports.unknown}); "${name}" not checked`, {
          file: h.file,
          note: 'the export is checked when the handler runs (--verify)',
        }),
      );
      continue;
    }
    if (exports.names.has(name)) continue;
    const defined = [...exports.names].filter((n) => n !== '__esModule').sort();
    out.push(
      diag('FL004', 'error', `handler "${h.handler}": ${h.file} does not export "${name}"`, {
        file: h.file,
        note: defined.length ? `it exports ${defined.map((n) => `"${n}"`).join(', ')}` : 'it exports nothing',
      }),
    );
  }
  return out;
}
