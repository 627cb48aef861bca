// Node built-in modules whose require may be deferred.
//
// Built-ins used to be "compiled into the node binary, little to gain". That holds for a bare `node`, whose
// built-ins come with a code cache. Lambda starts Node with V8 flags (`--expose-gc`, heap limits), and V8
// rejects a code cache made under other flags, so every built-in is compiled from source on a Lambda cold
// start: measured here under those flags, `require('https')` 11.7 ms (3.6 without them), `http2` 17.5
// (5.1), `crypto` 6.2 (1.9), `zlib` 4.0 (1.2).
//
// Only built-ins that (1) change nothing outside themselves when loaded and (2) the runtime client does not
// load anyway (http, net, stream, url, util … are loaded before any handler) are listed. Left out on
// purpose: domain (patches EventEmitter and installs async hooks), cluster (a forked worker connects on
// load), inspector (throws on builds without it), punycode and sys (deprecation warnings), wasi and
// node:test/sqlite (experimental warnings), repl, trace_events.

/** Built-in name without `node:` → what loading it costs besides itself (the list is for accounting). */
export const DEFERRABLE_BUILTINS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['crypto', []],
  ['tls', ['crypto']],
  ['https', ['tls', 'crypto']],
  ['http2', ['tls', 'crypto']],
  ['zlib', []],
  ['child_process', ['dgram']],
  ['dgram', []],
  ['dns', []],
  ['dns/promises', []],
  ['os', []],
  ['fs/promises', []],
  ['tty', []],
  ['readline', []],
  ['readline/promises', []],
  ['stream/web', []],
  ['v8', []],
  ['vm', []],
  ['worker_threads', []],
]);

/** "node:fs/promises" → "fs/promises". */
export const builtinName = (specifier: string): string => specifier.replace(/^node:/, '');

/** Whether a require of this built-in specifier may be deferred (see the table). */
export const isDeferrableBuiltin = (specifier: string): boolean => DEFERRABLE_BUILTINS.has(builtinName(specifier));

/** Built-ins that loading `name` loads as well, itself included. */
export function builtinsLoadedBy(name: string): string[] {
  return [name, ...(DEFERRABLE_BUILTINS.get(name) ?? [])];
}

/** Cheap text test before parsing a package file for deferrable built-in requires. */
const MENTION = new RegExp(`(?:require\\(\\s*|from\\s*)['"](?:node:)?(?:${[...DEFERRABLE_BUILTINS.keys()].map((n) => n.replace('/', '\\/')).join('|')})['"]`);
export const mentionsDeferrableBuiltin = (code: string): boolean => MENTION.test(code);
