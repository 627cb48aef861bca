// The Python side of the static checks (src/lang/checks.ts): modules that must parse, and handler
// functions the module must define at module level (FL004).
import { diag } from '../../diagnostics.js';
import type { LoadedJob } from '../../job.js';
import type { Diagnostic } from '../../types.js';
import { parseErrors, surelyLoadedAtInit } from '../checks.js';
import type { Analysis } from '../types.js';
import { textOf, type PyNode } from './analyze/parser.js';

type ModuleNames = { names: Set<string> } | { unknown: string };

// Blocks whose statements run at module level (a name bound in either branch of an `if` may be the one).
const BLOCKS = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'finally_clause',
  'with_statement',
  'for_statement',
  'while_statement',
  'block',
]);

function targetNames(code: string, n: PyNode | null): string[] {
  if (!n) return [];
  if (n.type === 'identifier') return [textOf(code, n)];
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'list_splat_pattern'].includes(n.type))
    return n.namedChildren.flatMap((c) => targetNames(code, c));
  return [];
}

/** Names a module binds at module level: def, class, assignment and import, inside module-level blocks too. */
export function moduleNames(code: string, root: PyNode): ModuleNames {
  const names = new Set<string>();
  let unknown: string | undefined;
  const at = (n: PyNode) => ` at line ${n.startPosition.row + 1}`;
  const visit = (stmts: PyNode[]) => {
    for (const s of stmts) {
      const def = s.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
      if (def && (def.type === 'function_definition' || def.type === 'class_definition')) {
        const name = textOf(code, def.childForFieldName('name')!);
        if (name === '__getattr__') unknown ??= `a module-level __getattr__${at(def)}`;
        names.add(name);
      } else if (s.type === 'expression_statement') {
        for (const e of s.namedChildren) {
          let cur: PyNode | null = e;
          // a = b = f(): every target of a chain
          while (cur && (cur.type === 'assignment' || cur.type === 'augmented_assignment')) {
            for (const n of targetNames(code, cur.childForFieldName('left'))) names.add(n);
            cur = cur.childForFieldName('right');
          }
        }
      } else if (s.type === 'import_statement') {
        for (const n of s.childrenForFieldName('name')) {
          if (n.type === 'aliased_import') names.add(textOf(code, n.childForFieldName('alias')!));
          else names.add(textOf(code, n).split('.')[0].trim());
        }
      } else if (s.type === 'import_from_statement') {
        if (s.namedChildren.some((c) => c.type === 'wildcard_import')) unknown ??= `from … import *${at(s)}`;
        for (const n of s.childrenForFieldName('name')) names.add(textOf(code, n.type === 'aliased_import' ? n.childForFieldName('alias')! : n));
      } else if (BLOCKS.has(s.type)) {
        if (s.type === 'for_statement') for (const n of targetNames(code, s.childForFieldName('left'))) names.add(n);
        visit(s.namedChildren);
      }
    }
  };
  visit(root.namedChildren);
  // globals()[name] = …, setattr(sys.modules[__name__], …): names made at run time.
  if (/\bglobals\s*\(\s*\)|sys\.modules\[\s*__name__\s*\]/.test(code)) unknown ??= 'globals() or sys.modules[__name__] used';
  return unknown ? { unknown } : { names };
}

export function checkPython(job: LoadedJob, { graph }: Analysis): Diagnostic[] {
  // Python edges do not say whether an import is guarded (try/except ImportError, often around Python 2
  // modules): only the handlers and the app's own modules are sure loads.
  const atInit = surelyLoadedAtInit(graph, (e) => e.to.every((f) => !graph.files[f]?.package));
  const out = parseErrors(job, graph, atInit);
  const failed = new Set(out.map((d) => d.file));
  for (const h of job.app.handlers) {
    if (failed.has(h.file)) continue;
    const code = job.readText(h.file);
    if (code === undefined) continue;
    const parsed = job.io.parsePython(h.file, code);
    if (parsed.error) continue;
    const found = moduleNames(code, parsed.root);
    if ('unknown' in found) {
      job.diagnostics.push(
        diag('FL004', 'info', `${h.file}: module names not known statically (${found.unknown}); "${h.exportName}" not checked`, { file: h.file }),
      );
      continue;
    }
    if (found.names.has(h.exportName)) continue;
    out.push(
      diag('FL004', 'error', `handler "${h.handler}": ${h.file} defines no "${h.exportName}" at module level`, {
        file: h.file,
        note: 'define it with def, an assignment or an import at the top of the module',
      }),
    );
  }
  return out;
}
