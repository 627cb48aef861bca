// The I/O of one run, in the shape of @vercel/nft's Job: every stage reads, stats and parses the app's
// files through one object created for the app root, with caches, so that each file is read once and
// parsed once, and a test can count the parses. The file system under it is a hook (an in-memory one
// for tests).
import type { Diagnostic } from '../types.js';
import { decodeSource, MAX_SOURCE_BYTES } from '../util/files.js';
import { abs } from '../util/paths.js';
import { nodeFileSystem, type FileStat, type FileSystem } from './fs.js';
import { parseJsSource, type JsParse, type JsParser, type JsSourceType } from './js.js';
import { parsePython as parsePythonSource, type ParsedPython } from '../lang/python/analyze/parser.js';

export { memoryFileSystem, nodeFileSystem, type FileStat, type FileSystem } from './fs.js';
export { BABEL_OPTIONS, parseJsSource, parserFor, type JsParse, type JsParser, type JsSourceType } from './js.js';

export interface JobIOOptions {
  fs?: FileSystem;
  /** Where readText records a file it cannot analyse (FL008, FL009), once per file. */
  diagnostics?: Diagnostic[];
  /** Babel tokens in every JavaScript parse (only the bundle's positional test reads them). */
  tokens?: boolean;
}

/** Parses per file: `source` of the file's own text, `derived` of other text given for it (a rewrite's output). */
export type ParseCounts = Record<string, { source: number; derived: number }>;

export interface JobIO {
  readonly root: string;
  readonly fs: FileSystem;
  /**
   * The file's text for analysis: strict UTF-8, byte-order mark kept (offsets of minimal edits map back
   * byte for byte), at most MAX_SOURCE_BYTES. undefined when it is not such text; the diagnostic saying
   * why is recorded the first time. A missing file throws.
   */
  readText(rel: string): string | undefined;
  /** The file decoded as UTF-8 the lenient way (invalid bytes become U+FFFD), no size limit; undefined when unreadable. */
  readUtf8(rel: string): string | undefined;
  readBuffer(rel: string): Buffer;
  readHead(rel: string, bytes: number): Buffer;
  stat(rel: string): FileStat;
  /** Size in bytes (cached: the plan asks for the same files many times). */
  sizeOf(rel: string): number;
  exists(rel: string): boolean;
  /**
   * The Babel AST of the file in this source type (BABEL_OPTIONS), parsed on the first request and then
   * shared: the ASTs are read-only to every caller. `code` defaults to readText(rel); when it is other
   * text (a rewritten file), that text is parsed and cached on its own.
   */
  parseJs(rel: string, sourceType: JsSourceType, code?: string, opts?: { tokens?: boolean }): JsParse;
  /** parseJs bound to one file and text: what the per-file analyses take. */
  jsParser(rel: string, code?: string, opts?: { tokens?: boolean }): JsParser;
  /** The tree-sitter tree of a Python file; `code` defaults to readUtf8(rel), other text is cached on its own. */
  parsePython(rel: string, code?: string): ParsedPython;
  /** Parse counts so far, per file and language. */
  parses(): { js: ParseCounts; python: ParseCounts };
}

type TextRead = { text: string; error?: undefined } | { text?: undefined; error: Diagnostic };

interface JsEntry {
  code: string;
  attempts: Partial<Record<JsSourceType, { result: JsParse; tokens: boolean }>>;
}

export function createJobIO(root: string, options: JobIOOptions = {}): JobIO {
  const fs = options.fs ?? nodeFileSystem;
  const tokensAlways = options.tokens === true;
  const texts = new Map<string, TextRead>();
  const reported = new Set<string>();
  const utf8 = new Map<string, string | undefined>();
  const sizes = new Map<string, number>();
  const js = new Map<string, JsEntry>();
  const jsDerived = new Map<string, Map<string, JsEntry>>();
  const py = new Map<string, { code: string; parsed: ParsedPython }>();
  const pyDerived = new Map<string, Map<string, ParsedPython>>();
  const counts = { js: {} as ParseCounts, python: {} as ParseCounts };
  const count = (lang: 'js' | 'python', rel: string, derived: boolean) => {
    const c = (counts[lang][rel] ??= { source: 0, derived: 0 });
    if (derived) c.derived++;
    else c.source++;
  };

  const textRead = (rel: string): TextRead => {
    let r = texts.get(rel);
    if (!r) {
      const file = abs(root, rel);
      r = decodeSource(rel, fs.stat(file).size, MAX_SOURCE_BYTES, () => fs.readFile(file));
      texts.set(rel, r);
    }
    return r;
  };
  const readUtf8 = (rel: string): string | undefined => {
    if (!utf8.has(rel)) {
      let text: string | undefined;
      try {
        text = fs.readFile(abs(root, rel)).toString('utf8');
      } catch {
        text = undefined;
      }
      utf8.set(rel, text);
    }
    return utf8.get(rel);
  };
  /** Whether `code` is the file's own text, compared without reporting anything (a caller may read the file its own way). */
  const isOwnText = (_rel: string, code: string, own: () => string | undefined): boolean => {
    try {
      return own() === code;
    } catch {
      return false;
    }
  };

  function jsEntry(rel: string, code: string | undefined): { entry: JsEntry; derived: boolean } | undefined {
    if (code === undefined || isOwnText(rel, code, () => textRead(rel).text)) {
      const text = textRead(rel).text;
      if (text === undefined) return undefined;
      let entry = js.get(rel);
      if (!entry) js.set(rel, (entry = { code: text, attempts: {} }));
      return { entry, derived: false };
    }
    let byText = jsDerived.get(rel);
    if (!byText) jsDerived.set(rel, (byText = new Map()));
    let entry = byText.get(code);
    if (!entry) byText.set(code, (entry = { code, attempts: {} }));
    return { entry, derived: true };
  }

  function parseJs(rel: string, sourceType: JsSourceType, code?: string, opts: { tokens?: boolean } = {}): JsParse {
    const found = jsEntry(rel, code);
    if (!found) return { error: new Error(`${rel} is not readable as source text`) };
    const { entry, derived } = found;
    const tokens = tokensAlways || opts.tokens === true;
    const usable = (a: { result: JsParse; tokens: boolean } | undefined) => a && (a.tokens || !tokens);
    const exact = entry.attempts[sourceType];
    if (usable(exact)) return exact!.result;
    // Babel's 'unambiguous' returns the AST of the mode it settled on, the same AST that mode gives.
    const unambiguous = entry.attempts.unambiguous;
    if (sourceType !== 'unambiguous' && usable(unambiguous) && unambiguous!.result.ast?.program.sourceType === sourceType) return unambiguous!.result;
    const result = parseJsSource(entry.code, sourceType, tokens);
    count('js', rel, derived);
    entry.attempts[sourceType] = { result, tokens };
    return result;
  }

  return {
    root,
    fs,
    readText(rel) {
      const r = textRead(rel);
      if (r.error && !reported.has(rel)) {
        reported.add(rel);
        options.diagnostics?.push(r.error);
      }
      return r.text;
    },
    readUtf8,
    readBuffer: (rel) => fs.readFile(abs(root, rel)),
    readHead: (rel, bytes) => fs.readHead(abs(root, rel), bytes),
    stat: (rel) => fs.stat(abs(root, rel)),
    sizeOf(rel) {
      let s = sizes.get(rel);
      if (s === undefined) sizes.set(rel, (s = fs.stat(abs(root, rel)).size));
      return s;
    },
    exists(rel) {
      try {
        fs.stat(abs(root, rel));
        return true;
      } catch {
        return false;
      }
    },
    parseJs,
    jsParser: (rel, code, opts) => (sourceType) => parseJs(rel, sourceType, code, opts),
    parsePython(rel, code) {
      if (code === undefined || isOwnText(rel, code, () => readUtf8(rel))) {
        let e = py.get(rel);
        if (!e) {
          const text = code ?? readUtf8(rel);
          if (text === undefined) throw new Error(`${rel} could not be read`);
          e = { code: text, parsed: parsePythonSource(text) };
          py.set(rel, e);
          count('python', rel, false);
        }
        return e.parsed;
      }
      let byText = pyDerived.get(rel);
      if (!byText) pyDerived.set(rel, (byText = new Map()));
      let parsed = byText.get(code);
      if (!parsed) {
        byText.set(code, (parsed = parsePythonSource(code)));
        count('python', rel, true);
      }
      return parsed;
    },
    parses: () => structuredClone(counts),
  };
}
