import { createRequire } from 'node:module';
import type ParserT from 'tree-sitter';

export type PyNode = ParserT.SyntaxNode;
export type PyTree = ParserT.Tree;

// The native parser is loaded on first use only, so the Node.js path never pays for it.
let parser: ParserT | undefined;

function getParser(): ParserT {
  if (parser) return parser;
  const require = createRequire(import.meta.url);
  const Parser = require('tree-sitter') as typeof ParserT;
  const language = require('tree-sitter-python');
  parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export interface ParsedPython {
  tree: PyTree;
  root: PyNode;
  /** Set when the source is not valid Python 3 (tree-sitter error nodes or Python 2 statements). */
  error?: { message: string; line: number; column: number };
}

// Python 2 constructs that tree-sitter-python accepts without an ERROR node.
const PY2_NODES = ['print_statement', 'exec_statement'];

/**
 * Parses Python source. The node binding indexes the UTF-16 string, so `startIndex`/`endIndex`
 * are JS string indices (safe for non-ASCII sources); rows are 0-based.
 */
export function parsePython(code: string): ParsedPython {
  // The default 32 KiB input buffer is fine; bufferSize only matters for speed on huge files.
  const tree = getParser().parse(code, undefined, { bufferSize: Math.max(32 * 1024, code.length + 1) });
  const root = tree.rootNode;
  if (root.hasError) {
    const bad = firstError(root);
    return {
      tree,
      root,
      error: {
        message: bad ? `syntax error near line ${bad.startPosition.row + 1}` : 'syntax error',
        line: (bad?.startPosition.row ?? 0) + 1,
        column: columnOf(code, bad?.startIndex ?? 0),
      },
    };
  }
  const py2 = root.descendantsOfType(PY2_NODES)[0];
  if (py2) {
    return {
      tree,
      root,
      error: {
        message: `Python 2 syntax (${py2.type.replace('_statement', '')} statement)`,
        line: py2.startPosition.row + 1,
        column: columnOf(code, py2.startIndex),
      },
    };
  }
  return { tree, root };
}

function firstError(node: PyNode): PyNode | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const child of node.children) if (child.hasError) return firstError(child) ?? child;
  return undefined;
}

/** 1-based column (in characters) of a string index. */
export function columnOf(code: string, index: number): number {
  return index - (code.lastIndexOf('\n', index - 1) + 1) + 1;
}

/** Text of a node, sliced from the JS string (node.text re-decodes; this is cheaper and exact). */
export function textOf(code: string, node: PyNode): string {
  return code.slice(node.startIndex, node.endIndex);
}

/** Value of a plain string literal node ('x', "x", no f-string, no implicit concatenation), else undefined. */
export function stringValue(code: string, node: PyNode | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  const start = node.firstChild;
  if (!start || start.type !== 'string_start') return undefined;
  const prefix = textOf(code, start).replace(/['"]/g, '').toLowerCase();
  if (prefix.includes('f') || prefix.includes('b')) return undefined;
  const parts = node.namedChildren.filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
  if (parts.some((p) => p.type !== 'string_content')) return undefined; // escapes or interpolation
  return parts.map((p) => textOf(code, p)).join('');
}

/** Identifier and string-content positions of a tree, read from the native tree once and shared. */
export interface NameTokens {
  ids: PyNode[];
  idStart: Int32Array;
  idEnd: Int32Array;
  strStart: Int32Array;
  strEnd: Int32Array;
}

const tokenCache = new WeakMap<PyTree, NameTokens>();

export function nameTokens(parsed: ParsedPython): NameTokens {
  let t = tokenCache.get(parsed.tree);
  if (t) return t;
  const ids = parsed.root.descendantsOfType('identifier');
  const strs = parsed.root.descendantsOfType('string_content');
  t = {
    ids,
    idStart: new Int32Array(ids.length),
    idEnd: new Int32Array(ids.length),
    strStart: new Int32Array(strs.length),
    strEnd: new Int32Array(strs.length),
  };
  ids.forEach((n, i) => {
    t!.idStart[i] = n.startIndex;
    t!.idEnd[i] = n.endIndex;
  });
  strs.forEach((n, i) => {
    t!.strStart[i] = n.startIndex;
    t!.strEnd[i] = n.endIndex;
  });
  tokenCache.set(parsed.tree, t);
  return t;
}
