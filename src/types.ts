// Shared data that flows between the pipeline stages:
// load app → analyze → plan → transform → package → verify/measure → report.
// Every stage takes and returns these plain, JSON-serialisable shapes.
// Paths inside an app are POSIX paths relative to the app root ("node_modules/lodash/index.js").

export type Runtime = 'nodejs' | 'python';

/** One entry point of the function package. Several handlers are several seeds. */
export interface HandlerSpec {
  /** The handler string as deployed, kept unchanged by the optimizer: "src/index.handler", "app.lambda_handler". */
  handler: string;
  /** Handler file relative to the app root ("src/index.js", "app.py"). */
  file: string;
  /** Exported function name ("handler"); for Python the function in the module. */
  exportName: string;
  runtime: Runtime;
  /** Deployment runtime id when known: "nodejs20.x", "python3.11". */
  runtimeId?: string;
  /** 'aws': handler(event, context[, callback]); 'gcf': HTTP (req, res) or CloudEvent function. */
  style: 'aws' | 'gcf';
  /** Where it came from, for the report: "serverless.yml functions.hello", "--handler", "template.yaml MyFn". */
  source: string;
  functionName?: string;
}

/** User escape hatches: faaslight.config.json or the "faaslight" key of package.json. */
export interface FaaslightConfig {
  /** Handler strings, as with --handler. */
  handlers?: string[];
  /** Globs (relative to the app root) of files that are never stripped. */
  keep?: string[];
  /** Module specifiers or package names never made lazy. */
  eager?: string[];
  /** Package names kept whole and never analysed inside (dynamic loading we cannot see). */
  opaque?: string[];
  /** Target Node.js version of the deployment ("20.19.0"); decides whether require(esm) is allowed. */
  nodeVersion?: string;
}

export interface AppModel {
  /** Absolute path of the package folder (after CodeUri resolution). */
  root: string;
  runtime: Runtime;
  handlers: HandlerSpec[];
  config: FaaslightConfig;
  /** Where the configuration came from (file path or "package.json#faaslight"), if any. */
  configSource?: string;
  /** Every regular file of the package, sorted, relative POSIX paths. */
  files: string[];
  /** Total bytes of those files. */
  bytes: number;
}

// ---------------------------------------------------------------------------------------------
// Diagnostics as data (stable IDs, a location, a note on what would change the outcome)

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable id, e.g. "FL101" — see src/diagnostics.ts for the catalogue. */
  id: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** What would make the thing eligible / how to fix it. */
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Analysis: pure per-file facts

/** A dependency edge found in one source file. */
export interface ImportRecord {
  kind: 'require' | 'require.resolve' | 'import' | 'export-from' | 'dynamic-import' | 'create-require';
  /** The literal specifier when statically known. */
  specifier?: string;
  /** Partly known specifier: every file matching prefix*suffix is kept (widening). */
  pattern?: { prefix: string; suffix: string };
  /** Nothing is known about the specifier: the containing package becomes opaque. */
  unknown?: boolean;
  /** Import only for types (TS `import type`): no runtime edge. */
  typeOnly?: boolean;
  /** False when the call sits inside a function (runs later, if ever); undefined = unknown, treated as top level. */
  topLevel?: boolean;
  line: number;
  column: number;
}

/** A file read at run time through fs with a statically known path (__dirname + literal). */
export interface AssetRecord {
  /** Path relative to the app root, or a directory (then everything below it is kept). */
  path: string;
  isDirectory?: boolean;
  line: number;
}

export interface FileAnalysis {
  file: string;
  isESM: boolean;
  imports: ImportRecord[];
  assets: AssetRecord[];
  /** Set when the file could not be parsed: it is kept as is, eager, with a warning. */
  parseError?: string;
}

export type ModuleKind = 'js' | 'json' | 'python' | 'native' | 'asset' | 'other';

export interface ResolvedEdge {
  from: string;
  record: ImportRecord;
  /** Files this edge keeps (one for a literal, several for a widened pattern). */
  to: string[];
  /** Node built-in name ("fs", "node:path") when the specifier is a built-in. */
  builtin?: string;
  /** Resolution failure message (the edge is then a warning, not an error). */
  error?: string;
}

export interface PackageInfo {
  name: string;
  /** Directory relative to the app root ("node_modules/express"). */
  dir: string;
  version?: string;
  /** True when the whole package is kept untouched (unknown dynamic require, config `opaque`, native addon). */
  opaque: boolean;
  opaqueReason?: string;
  /**
   * Kept whole only because an unknown `require.resolve(x)` may locate any of its files: nothing unknown
   * loads them, so no module of it can be loaded twice by path (bundle mode need not register them).
   */
  locatedOnly?: boolean;
}

/** Why something is in the graph / kept: the parent that led to it. */
export interface Reason {
  /** Stable code, e.g. "handler", "import", "asset", "pattern", "opaque-package", "trace", "config-keep". */
  code: string;
  text: string;
  /** The file (or handler string) that caused it. */
  parent?: string;
}

export interface ModuleGraph {
  /** Files reached, keyed by relative path. */
  files: Record<string, { kind: ModuleKind; isESM?: boolean; package?: string; reasons: Reason[] }>;
  edges: ResolvedEdge[];
  packages: Record<string, PackageInfo>;
  /** Handler files (seeds). */
  entries: string[];
}

// ---------------------------------------------------------------------------------------------
// Init-time analysis of import bindings (per file)

export type BindingKind =
  | 'cjs-require' // const x = require('m')
  | 'cjs-destructure' // const {a, b: c} = require('m')
  | 'cjs-expression' // const x = require('m').foo  /  __importDefault(require('m'))  /  _interop(require('m'))
  | 'esm-default' // import x from 'm'
  | 'esm-named' // import {a, b as c} from 'm'
  | 'esm-namespace' // import * as ns from 'm'
  | 'esm-mixed' // import x, {a} from 'm'
  | 'side-effect'; // require('m') / import 'm'

/** Where the bound names are used. */
export type BindingUsage =
  | 'init' // used while the module is evaluated: must stay eager
  | 'deferred' // used only inside functions that do not run at init
  | 'unused' // never referenced
  | 'unknown'; // cannot tell (eval, with, exported binding, reassigned …)

export interface BindingSite {
  /** `${file}#${index}` — stable within one analysis of one file. */
  id: string;
  file: string;
  specifier: string;
  kind: BindingKind;
  /** Local names bound by the statement. */
  names: string[];
  /** Character range of the declaration/import statement in the original source. */
  start: number;
  end: number;
  line: number;
  usage: BindingUsage;
  /** Human explanation of the usage classification ("referenced at top level, line 12"). */
  usageReason: string;
  /** ESM only: every reference sits inside an async function (an `await import()` is possible there). */
  allRefsInAsync?: boolean;
  /**
   * CommonJS `const x = require('m')` whose every reference reads a fixed property (`x.format`,
   * `(0, x.format)(…)`, never `x.f()` with x as `this`, never written): those property names, sorted.
   */
  props?: string[];
  /** Number of references to the bound names. */
  refCount: number;
}

// ---------------------------------------------------------------------------------------------
// Plan

export type ImportDecisionKind = 'eager' | 'lazy';
/** How a lazy binding is loaded at first use. */
export type LazyMechanism =
  | 'require' // CommonJS file: memoised require() thunk
  | 'create-require' // ESM file importing a CommonJS target: createRequire(import.meta.url)
  | 'require-esm' // ESM file importing ESM where the target Node supports require(esm)
  | 'dynamic-import' // ESM: `await import()` at each (async) use
  | 'stand-in'; // Python: an object bound to the import's names that runs the import at first attribute access or call

export interface ImportDecision {
  site: BindingSite;
  decision: ImportDecisionKind;
  mechanism?: LazyMechanism;
  /** Resolved target file (relative), when resolved. */
  target?: string;
  /**
   * The target is a barrel and the site reads only these properties: each is loaded from the module that
   * defines it (relative file, its export name) instead of loading the whole barrel.
   */
  narrow?: { prop: string; file: string; name: string }[];
  reason: Reason;
}

export type FileDecisionKind = 'keep' | 'strip';

export interface FileDecision {
  file: string;
  decision: FileDecisionKind;
  bytes: number;
  reason: Reason;
}

/**
 * A module-scope value that reads a lazy import (`const s3 = new S3Client(…)`): built at first use
 * ('lazy', then the import it reads is no longer needed at init) or at init as written ('eager').
 */
export interface ValueDecision {
  file: string;
  /** The bound name, or the pattern's source (`{ constants }`) for a destructuring declaration. */
  name: string;
  line: number;
  /** The lazy imports and earlier lazy values it reads. */
  deps: string[];
  decision: ImportDecisionKind;
  reason: Reason;
}

/** Python: a function never reached from a handler, replaced by a stub that compiles the original at its first call. */
export interface StubDecision {
  file: string;
  /** "f" or "C.m". */
  qualname: string;
  /** 1-based lines of the `def` to the end of its body. */
  line: number;
  endLine: number;
  decision: 'stub' | 'keep';
  /** Source characters the stub saves. */
  saved: number;
  reason: Reason;
}

/** With --bundle: one esbuild bundle replacing its root file in place (src/lang/js/bundle/units.ts). */
export interface UnitDecision {
  /** The file replaced by the bundle (a handler file or a lazy target). */
  root: string;
  kind: 'handler' | 'lazy';
  format: 'cjs' | 'esm';
  /** The bundle runs in strict mode (an ES module root, or a root with "use strict"). */
  strict: boolean;
  /** Files bundled, the root included, sorted. */
  files: string[];
  reason: Reason;
}

export interface UnitsPlan {
  units: UnitDecision[];
  /** Why each reached JS file stays a file; a file absent here and listed by a unit is inside that bundle. */
  unbundled: Record<string, Reason>;
  /** Bundled files an unknown require could also load by path: they stay on disk and share one instance through require.cache. */
  registered: string[];
  /** Bundled files whose computed requests are anchored to their original path (anchor.ts). */
  anchored: string[];
}

export interface Plan {
  imports: ImportDecision[];
  files: FileDecision[];
  /** Where a --trace and the static analysis disagree. */
  traceDisagreements: { file: string; text: string }[];
  /** JavaScript: module-scope values that read a lazy import (src/lang/js/decide-values.ts). */
  values?: ValueDecision[];
  /** Python: never-reached functions, stubbed or kept whole (src/lang/python/decide.ts). */
  stubs?: StubDecision[];
  /** With --bundle: which files go into which bundle, before anything is rewritten (src/lang/js/bundle/index.ts). */
  units?: UnitsPlan;
}

// ---------------------------------------------------------------------------------------------
// Trace (--trace events): what the original really loads

export interface TraceResult {
  /** Files loaded while the handler module was initialised (relative paths). */
  init: string[];
  /** Files first loaded while handling each event, keyed by event file name. */
  perEvent: Record<string, string[]>;
  errors: { event?: string; message: string }[];
}

// ---------------------------------------------------------------------------------------------
// Package / verify / measure

export interface PackageStats {
  files: number;
  bytes: number;
  zipBytes: number;
}

export interface PackageResult {
  outDir: string;
  zipPath: string;
  before: PackageStats;
  after: PackageStats;
  /** Files moved into the fallback store. */
  stripped: number;
  fallbackBytes: number;
}

export interface InvokeOutcome {
  ok: boolean;
  /** JSON-serialised result, or the error (name + message) when ok is false. */
  output: unknown;
  error?: { name: string; message: string };
  stderr?: string;
  durationMs?: number;
  /** Package files first loaded while the handler ran, not at init (CommonJS modules; Python modules). */
  loadedAtInvoke?: string[];
}

export interface VerifyEventResult {
  event: string;
  handler: string;
  identical: boolean;
  original: InvokeOutcome;
  optimized: InvokeOutcome;
  /** Fallback loads reported by the optimized package on stderr. */
  fallbackLoads: string[];
  /** Lazy imports (file:specifier) whose module was first loaded during this event: the deferred path ran for real. */
  lazyLoads?: string[];
}

export interface VerifyResult {
  ok: boolean;
  events: VerifyEventResult[];
}
