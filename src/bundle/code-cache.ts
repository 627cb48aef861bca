// Optional V8 code cache for CommonJS handler bundles on Node 20 (`optimize --bundle --code-cache`).
// Node ≥ 22.1 has module.enableCompileCache(); Node 20 has not, so the handler file becomes a small stub
// that compiles the bundle (moved to .faaslight/bundle/) with vm.Script and V8 cached data made at
// packaging time, and runs it with the stub's own module, exports, require, __filename and __dirname:
// the bundle sees exactly what it saw as the handler file. V8 rejects a cache made by another V8 build
// or with other flags (it checks version, flags and source hash) and then simply compiles; a Node 20
// without vm's main-context loader for import() gets the bundle through Module#_compile, no cache.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lambdaEnv } from '../util/env.js';
import { abs } from '../util/paths.js';

export const BUNDLE_DIR = '.faaslight/bundle';

export function stubSource(bundleRel: string): string {
  const rel = JSON.stringify(bundleRel);
  return `'use strict';
// faaslight: the handler bundle (${bundleRel}) compiled with V8's code cache when this Node accepts it.
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

// Run in a child with a clean Lambda-like environment: compiles the bundle as the handler, runs its init
// (so the functions compiled at init are in the cache; if init throws, the cache has the top level only)
// and writes the cached data.
const MAKE_CACHE = `
const fs = require('fs'), vm = require('vm'), M = require('module'), path = require('path');
const [file, handlerPath] = process.argv.slice(1);
const script = new vm.Script(M.wrap(fs.readFileSync(file, 'utf8')), { filename: handlerPath, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
let ran = true;
try {
  const m = new M(handlerPath, null);
  m.filename = handlerPath;
  m.paths = M._nodeModulePaths(path.dirname(handlerPath));
  M._cache[handlerPath] = m;
  script.runInThisContext().call(m.exports, m.exports, M.createRequire(handlerPath), m, handlerPath, path.dirname(handlerPath));
} catch (e) { ran = false; }
const data = script.createCachedData();
fs.writeFileSync(file + '.cache', data);
process.stdout.write(JSON.stringify({ ran, bytes: data.length }));
setImmediate(() => process.exit(0));
`;

export interface CodeCacheResult {
  handler: string;
  ok: boolean;
  ran?: boolean;
  bytes?: number;
  error?: string;
}

/** Turns each CommonJS handler file of the written package into stub + bundle + cache. */
export function addCodeCache(outDir: string, handlerFiles: string[]): CodeCacheResult[] {
  const results: CodeCacheResult[] = [];
  for (const h of handlerFiles) {
    const handlerPath = abs(outDir, h);
    const bundleRel = `${BUNDLE_DIR}/${h}`;
    const bundlePath = abs(outDir, bundleRel);
    fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
    fs.copyFileSync(handlerPath, bundlePath);
    const r = spawnSync(process.execPath, ['-e', MAKE_CACHE, bundlePath, handlerPath], {
      cwd: outDir,
      encoding: 'utf8',
      timeout: 30_000,
      env: lambdaEnv({ taskRoot: outDir, handler: h }),
    });
    if (r.status !== 0 || !fs.existsSync(`${bundlePath}.cache`)) {
      fs.rmSync(bundlePath, { force: true });
      results.push({ handler: h, ok: false, error: (r.stderr || r.error?.message || `exit ${r.status}`).split('\n')[0] });
      continue;
    }
    const info = JSON.parse(r.stdout) as { ran: boolean; bytes: number };
    const stubRel = path.posix.relative(path.posix.dirname(h), bundleRel);
    fs.writeFileSync(handlerPath, stubSource(stubRel.startsWith('.') ? stubRel : `./${stubRel}`));
    results.push({ handler: h, ok: true, ...info });
  }
  return results;
}
