// Optional V8 code cache for CommonJS bundles on Node 20 (`optimize --bundle --code-cache`): the handler
// bundles, the bundles of lazily loaded packages, and the larger files left single that they load.
// Node ≥ 22.1 has module.enableCompileCache(); Node 20 has not, so each such file becomes a small stub
// that compiles its code (moved to .faaslight/bundle/) with vm.Script and V8 cached data made at
// packaging time, and runs it with the stub's own module, exports, require, __filename and __dirname:
// the code sees exactly what it saw in the file's place. V8 rejects a cache made by another V8 build
// or with other flags (it checks version, flags and source hash) and then simply compiles; a Node 20
// without vm's main-context loader for import() gets the bundle through Module#_compile, no cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNodeScript } from '../../../sandbox/index.js';
import { abs } from '../../../util/paths.js';

export const BUNDLE_DIR = '.faaslight/bundle';

export function stubSource(bundleRel: string): string {
  const rel = JSON.stringify(bundleRel);
  return `'use strict';
// faaslight: the code of this file (${bundleRel}) compiled with V8's code cache when this Node accepts it.
var __fl_fs = require('fs'), __fl_vm = require('vm'), __fl_Module = require('module');
var __fl_file = require('path').join(__dirname, ${rel});
var __fl_src = __fl_fs.readFileSync(__fl_file, 'utf8');
var __fl_loader = __fl_vm.constants && __fl_vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
if (!__fl_loader) module._compile(__fl_src, __filename);
else {
  var __fl_cached; try { __fl_cached = __fl_fs.readFileSync(__fl_file + '.cache'); } catch (e) {}
  var __fl_script = new __fl_vm.Script(__fl_Module.wrap(__fl_src), { filename: __filename, cachedData: __fl_cached, importModuleDynamically: __fl_loader });
  __fl_script.runInThisContext().call(module.exports, module.exports, require, module, __filename, __dirname);
}
`;
}

// Run in a sandbox child (clean Lambda-like environment, the runtime's flags), before the stubs are written (each root file still
// holds its bundle): every root is compiled with vm.Script as the stub will compile it (same wrapped
// source), the handlers are loaded (their init runs, so what init compiles is in the cache), then each
// lazy root is loaded as its loader would load it, then the handlers run on the events given (what they
// compile is in the cache too). A root that throws keeps what was compiled until then. V8's cached data
// is bytecode only (no type feedback): what ran here changes what is precompiled, never what it does.
const MAKE_CACHE = `
const fs = require('fs'), vm = require('vm'), M = require('module'), path = require('path');
const { handlers, lazy, files, bundleDir, events, resultFile } = JSON.parse(process.argv[1]);
const roots = new Set([...handlers, ...lazy, ...files]);
const scripts = new Map();
const ran = {};
const compile = M.prototype._compile;
M.prototype._compile = function (content, filename) {
  if (!roots.has(filename)) return compile.call(this, content, filename);
  const script = new vm.Script(M.wrap(content), { filename, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  scripts.set(filename, script);
  ran[filename] = false;
  const result = script.runInThisContext().call(this.exports, this.exports, M.createRequire(filename), this, filename, path.dirname(filename));
  ran[filename] = true;
  return result;
};
for (const f of [...handlers, ...lazy]) {
  try { require(f); } catch (e) {}
}
const context = { functionName: 'faaslight-code-cache', awsRequestId: 'faaslight-code-cache', getRemainingTimeInMillis: () => 10000, callbackWaitsForEmptyEventLoop: true };
async function warm() {
  for (const e of events) {
    try {
      const fn = require(e.file)[e.exportName];
      if (typeof fn !== 'function') continue;
      const event = JSON.parse(fs.readFileSync(e.event, 'utf8'));
      await Promise.race([
        new Promise((resolve) => { const r = fn(event, context, () => resolve()); if (r && typeof r.then === 'function') r.then(resolve, resolve); }),
        new Promise((resolve) => setTimeout(resolve, 10000).unref()),
      ]);
    } catch (err) {}
  }
}
warm().finally(() => {
  const out = {};
  for (const [f, script] of scripts) {
    const data = script.createCachedData();
    fs.writeFileSync(path.join(bundleDir, path.relative(process.cwd(), f)) + '.cache', data);
    out[f] = { ran: ran[f], bytes: data.length };
  }
  fs.writeFileSync(resultFile, JSON.stringify(out));
  process.exit(0);
});
`;

/**
 * handler: a handler file; lazy: the target of a lazy import (required by the child after the handlers);
 * file: a file left single that something else loads (never required on its own: cached only if the
 * handlers or the lazy roots load it in the child).
 */
export type CodeCacheKind = 'handler' | 'lazy' | 'file';

export interface CodeCacheResult {
  /** The file given the cache (a handler, a lazy root, or a file left single), relative to the package. */
  handler: string;
  kind: CodeCacheKind;
  ok: boolean;
  ran?: boolean;
  bytes?: number;
  error?: string;
}

/**
 * Turns each CommonJS bundle root of the written package (handler files and lazily loaded bundles) into
 * stub + bundle + cache. The caches are made by one child that loads the package as the runtime would.
 */
export function addCodeCache(
  outDir: string,
  roots: { file: string; kind: CodeCacheKind }[],
  /** Events the handlers run on before the caches are written (AWS-style handlers; absolute event paths). */
  events: { file: string; exportName: string; event: string }[] = [],
  /**
   * The runtime the package runs in: its Node flags (lambdaNodeFlags; V8 accepts cached data only under
   * the same V8 flags) and the memory size its environment reports.
   */
  runtime: { nodeFlags?: string[]; memoryMb?: number } = {},
): CodeCacheResult[] {
  const bundleDir = abs(outDir, BUNDLE_DIR);
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-cache-')), 'result.json');
  for (const r of roots) {
    fs.mkdirSync(path.dirname(abs(bundleDir, r.file)), { recursive: true });
    fs.copyFileSync(abs(outDir, r.file), abs(bundleDir, r.file));
  }
  const arg = JSON.stringify({
    handlers: roots.filter((r) => r.kind === 'handler').map((r) => abs(outDir, r.file)),
    lazy: roots.filter((r) => r.kind === 'lazy').map((r) => abs(outDir, r.file)),
    files: roots.filter((r) => r.kind === 'file').map((r) => abs(outDir, r.file)),
    bundleDir,
    events: events.map((e) => ({ ...e, file: abs(outDir, e.file) })),
    resultFile,
  });
  const handler = roots.find((r) => r.kind === 'handler')?.file ?? roots[0]?.file ?? '';
  const child = runNodeScript(outDir, {
    handler,
    nodeFlags: runtime.nodeFlags,
    source: MAKE_CACHE,
    args: [arg],
    memoryMb: runtime.memoryMb,
    timeoutMs: 60_000 + events.length * 10_000,
  });
  let made: Record<string, { ran: boolean; bytes: number }> = {};
  try {
    made = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    // reported per root below
  }
  fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  const failure = (child.stderr || child.error?.message || `exit ${child.status}`).split('\n')[0];
  return roots.map((r) => {
    const info = made[abs(outDir, r.file)];
    const bundlePath = abs(bundleDir, r.file);
    if (!info || !fs.existsSync(`${bundlePath}.cache`)) {
      fs.rmSync(bundlePath, { force: true });
      return { handler: r.file, kind: r.kind, ok: false, error: info ? 'no cache written' : failure || 'the root was not loaded' };
    }
    const stubRel = path.posix.relative(path.posix.dirname(r.file), `${BUNDLE_DIR}/${r.file}`);
    fs.writeFileSync(abs(outDir, r.file), stubSource(stubRel.startsWith('.') ? stubRel : `./${stubRel}`));
    return { handler: r.file, kind: r.kind, ok: true, ...info };
  });
}
