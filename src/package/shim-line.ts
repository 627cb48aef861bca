// The one line that installs the runtime shim at the top of a handler file.
import { parse } from '@babel/parser';
import type { JsParser } from '../io/index.js';

export const SHIM_COMMENT = '// faaslight: restores stripped files on demand';

export function shimStatement(relSpecifier: string, isESM: boolean): string {
  const spec = JSON.stringify(relSpecifier).slice(1, -1).replace(/'/g, "\\'");
  return isESM ? `import '${spec}'; ${SHIM_COMMENT}` : `require('${spec}'); ${SHIM_COMMENT}`;
}

/**
 * End offset of the hashbang line and directive prologue ('use strict', "use client" …), which must
 * stay first to keep working. Parsed with Babel (ASI and comments make a scanner fragile); when the
 * file does not parse, only the hashbang is skipped (a file that does not parse is not runnable
 * anyway, so nothing can be broken by the position).
 */
export function prologueEnd(code: string, isESM: boolean, shared?: JsParser): number {
  const hashbang = /^#![^\n]*(\n|$)/.exec(code);
  let end = hashbang ? hashbang[0].length : 0;
  // The run's parse of this text (src/io), when it has one: the same directives, without a second parse.
  const ast = shared?.(isESM ? 'module' : 'script').ast;
  if (ast) {
    const dirs = ast.program.directives;
    return dirs.length > 0 ? Math.max(end, dirs[dirs.length - 1].end ?? end) : end;
  }
  try {
    const ast = parse(code, {
      sourceType: isESM ? 'module' : 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      errorRecovery: true,
      plugins: ['jsx'],
    });
    const dirs = ast.program.directives;
    if (dirs.length > 0) end = Math.max(end, dirs[dirs.length - 1].end ?? end);
  } catch {
    // keep the hashbang-only position
  }
  return end;
}

/**
 * Inserts the shim line after the hashbang and directive prologue. When the rest of that line is only
 * whitespace or a comment, the shim line becomes the next line; otherwise (minified code) it is put
 * on a line of its own between the prologue and the code. A file that already starts with the line
 * is returned unchanged.
 */
export function injectShimLine(code: string, relSpecifier: string, isESM: boolean, requireAfter?: string, parserFor?: (text: string) => JsParser): string {
  // An ES module that defines `require` on a line and imports nothing but built-ins (a faaslight
  // bundle) runs no other code before that line: the shim is required on the next one, which spares
  // the ESM loader's CommonJS translation of shim.cjs (~2 ms per cold start).
  if (isESM && requireAfter !== undefined) {
    const at = code.indexOf(requireAfter);
    if (at >= 0) {
      const stmt = shimStatement(relSpecifier, false);
      const nl = code.indexOf('\n', at);
      if (code.includes(stmt)) return code;
      return nl < 0 ? `${code}\n${stmt}\n` : `${code.slice(0, nl + 1)}${stmt}\n${code.slice(nl + 1)}`;
    }
  }
  const stmt = shimStatement(relSpecifier, isESM);
  const bom = code.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? code.slice(1) : code;
  if (body.includes(stmt)) return code;
  const end = prologueEnd(body, isESM, parserFor?.(body));
  if (end === 0 || body[end - 1] === '\n') return `${bom}${body.slice(0, end)}${stmt}\n${body.slice(end)}`;
  const nl = body.indexOf('\n', end);
  const rest = nl < 0 ? body.slice(end) : body.slice(end, nl);
  // A trailing block comment might span lines: only line comments and whitespace are safe to step over.
  if (/^\s*(\/\/.*)?\r?$/.test(rest)) {
    if (nl < 0) return `${bom}${body}\n${stmt}\n`;
    return `${bom}${body.slice(0, nl + 1)}${stmt}\n${body.slice(nl + 1)}`;
  }
  return `${bom}${body.slice(0, end)}\n${stmt}\n${body.slice(end)}`;
}
