'use strict';
// faaslight runtime shim (installed as <task root>/.faaslight/shim.cjs, required by the first line of
// each handler). It runs on every cold start, so until a module is missing it only wraps
// Module._resolveFilename (and, for packages with ESM handlers, registers the ESM hooks). The store is
// read, and the mirror built, by ./restore.cjs on the first MODULE_NOT_FOUND. See docs/fallback-store.md.
const Module = require('module');

const resolveFilename = Module._resolveFilename;
let core = null; // ./restore.cjs, loaded on the first miss
let token = null; // set when the ESM hooks run: shared with the ESM hooks thread so a file is reported once per process

let rootPrefix = '';

function loadCore() {
  core = require('./restore.cjs');
  if (token !== null) core.setToken(token);
  return core;
}

// Which packages and folders hold stored files (fallback/names.json, written with the store). Optional
// dependencies probed at init (debug → supports-color, sharp → its prebuilt .node paths) miss modules
// that were never in the package: answered here, without loading restore.cjs and parsing the whole
// index on every cold start. Anything this cannot rule out goes to restore.cjs, which decides.
let names;
function notStored(request, parent, options) {
  if (typeof request !== 'string' || request === '' || request[0] === '#') return false;
  if (options !== null && typeof options === 'object' && Array.isArray(options.paths)) return false;
  const path = require('path');
  if (names === undefined) {
    try {
      const n = JSON.parse(require('fs').readFileSync(path.join(__dirname, 'fallback', 'names.json'), 'utf8'));
      names = { packages: new Set(n.packages), dirs: new Set(n.dirs), root: path.dirname(__dirname) };
    } catch {
      names = null; // no readable list (each package ships its own shim with one, so only if it was removed): restore.cjs decides from the index
    }
  }
  if (names === null) return false;
  const relative = request.startsWith('./') || request.startsWith('../') || request === '.' || request === '..';
  if (!relative && !path.isAbsolute(request)) {
    const segs = request.split('/');
    return !names.packages.has(request[0] === '@' ? `${segs[0]}/${segs[1]}` : segs[0]);
  }
  const from = parent && typeof parent.filename === 'string' ? parent.filename : null;
  if (relative && from === null) return false;
  const target = relative ? path.resolve(path.dirname(from), request) : request;
  const rel = path.relative(names.root, target);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  // A stored file named by the request (itself, with an extension, or below it as a folder) lies in
  // the request's folder or below it: that folder holds stored files.
  const dir = path.dirname(rel);
  return !names.dirs.has(dir === '.' ? '' : dir.split(path.sep).join('/'));
}

Module._resolveFilename = function faaslightResolveFilename(request, parent, isMain, options) {
  let res;
  try {
    res = resolveFilename.call(this, request, parent, isMain, options);
  } catch (err) {
    if (err === null || typeof err !== 'object' || err.code !== 'MODULE_NOT_FOUND') throw err;
    if (core === null && notStored(request, parent, options)) throw err;
    const found = (core === null ? loadCore() : core).retry(resolveFilename, this, request, parent, isMain, options);
    if (found === undefined) throw err; // the store does not have it either: the original error, unchanged
    return found;
  }
  // After the first miss, restored files resolve into the mirror directly: fill them before loading.
  if (core !== null) return core.loaded(res);
  // The ESM hooks thread may have built the mirror without this thread knowing: a parent outside the
  // task root may be a restored file whose own requests land on not yet restored files.
  if (token !== null && parent && typeof parent.filename === 'string' && !parent.filename.startsWith(rootPrefix))
    return loadCore().loaded(res);
  return res;
};

// ESM: `import()` of a stripped file fails in the ESM resolver, which Module._resolveFilename never sees.
// The hooks file is only installed for packages with an ESM handler (registering starts a thread).
if (typeof Module.register === 'function') {
  const hooks = require('path').join(__dirname, 'esm-hooks.mjs');
  if (require('fs').existsSync(hooks)) {
    rootPrefix = require('path').dirname(__dirname) + require('path').sep;
    token = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    Module.register(require('url').pathToFileURL(hooks).href, { data: { token } });
  }
}
