'use strict';
// faaslight fallback restore (installed as <task root>/.faaslight/restore.cjs). Loaded only after a
// module was not found, by shim.cjs (CommonJS) or esm-hooks.mjs (ESM); Node built-ins only.
//
// The task root R may be read-only, so stripped files are restored into a writable mirror M
// (docs/fallback-store.md). M is built as an overlay of R on the first miss:
//   - every folder that holds stripped files (and its ancestors) is a real folder in M;
//   - every other entry of those folders is a symlink to the same entry in R;
//   - every stripped file is an empty placeholder, except package.json files, which resolvers read
//     and are therefore written in full (silently: they are metadata, not loads).
// Node's own resolver then sees the whole original package when resolving from M, in its own order
// (extensions, main, exports, imports, nearest node_modules, "type" scope). Because Node resolves to
// real paths, a kept file reached through M resolves back to R: every module has exactly one path
// and is loaded once. A resolution that lands on a placeholder fills it from the store first and
// prints `faaslight: fallback load <rel>` once per process.
const fs = require('fs');
const path = require('path');
const Module = require('module');

const ROOT = path.dirname(__dirname);
const STORE = path.join(__dirname, 'fallback');

let info = null; // { files, mirror } once the index has been read
let overlayBuilt = false;
let token = null; // per-process id shared with the ESM hooks thread
const filled = new Set();
const reported = new Set();

function inside(dir, p) {
  return p === dir || (p.length > dir.length && p.startsWith(dir) && p[dir.length] === path.sep);
}

function posixDir(rel) {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function toRel(dir, p) {
  return path.relative(dir, p).split(path.sep).join('/');
}

function tmpName(p) {
  return `${p}.faaslight-${process.pid}-${Math.random().toString(36).slice(2)}`;
}

let base = null;
function mirrorBase() {
  if (base !== null) return base;
  const env = process.env.FAASLIGHT_FALLBACK_DIR;
  const b = env ? path.resolve(env) : path.join(require('os').tmpdir(), 'faaslight-fallback');
  try {
    return (base = fs.realpathSync(b)); // cached only once it exists (a symlinked tmpdir resolves then)
  } catch {
    return b;
  }
}

let indexRaw = null;
let indexFiles = null;
let storedPackages = null;
function storedIndex() {
  if (indexFiles === null) {
    indexRaw = fs.readFileSync(path.join(STORE, 'index.json'));
    indexFiles = JSON.parse(indexRaw.toString('utf8')).files;
  }
  return indexFiles;
}

/**
 * Whether a failed request could be answered by the store. Optional dependencies probed with
 * try/require at init (debug → supports-color) are misses too, and building the mirror for them would
 * cost every cold start its whole overlay.
 */
function mayBeStored(request, from) {
  const files = storedIndex();
  if (request.startsWith('.') || path.isAbsolute(request)) {
    const base = path.isAbsolute(request) ? request : from !== null ? path.resolve(path.dirname(from), request) : null;
    if (base === null || !inside(ROOT, base)) return true;
    const rel = path.relative(ROOT, base).split(path.sep).join('/');
    for (const f in files) if (f === rel || f.startsWith(`${rel}.`) || f.startsWith(`${rel}/`)) return true;
    return false;
  }
  if (storedPackages === null) {
    storedPackages = new Set();
    for (const f in files) {
      const parts = f.split('/');
      for (let k = parts.indexOf('node_modules'); k >= 0 && k + 1 < parts.length; k = parts.indexOf('node_modules', k + 1))
        storedPackages.add(parts[k + 1].startsWith('@') ? `${parts[k + 1]}/${parts[k + 2]}` : parts[k + 1]);
    }
  }
  if (request.startsWith('#')) return true; // a package "imports" alias: its target could be any stored file
  const segs = request.split('/');
  return storedPackages.has(request.startsWith('@') ? `${segs[0]}/${segs[1]}` : segs[0]);
}

/** Reads the index and creates the mirror folder (no overlay yet). */
function mirrorInfo() {
  if (info !== null) return info;
  const files = storedIndex();
  const raw = indexRaw;
  const index = { files };
  let mirror = process.env.FAASLIGHT_FALLBACK_DIR
    ? path.resolve(process.env.FAASLIGHT_FALLBACK_DIR)
    : path.join(
        require('os').tmpdir(),
        'faaslight-fallback',
        require('crypto').createHash('sha256').update(raw).digest('hex').slice(0, 12),
      );
  fs.mkdirSync(mirror, { recursive: true });
  mirror = fs.realpathSync(mirror); // Node hands out real paths; a symlinked tmpdir must compare equal
  info = { files: Object.assign(Object.create(null), index.files), mirror };
  return info;
}

function link(target, at) {
  try {
    fs.symlinkSync(target, at);
    return;
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  let current;
  try {
    current = fs.readlinkSync(at);
  } catch {
    return; // a real file or folder from an earlier overlay: leave it
  }
  if (current === target) return;
  // Same store, other task root (a re-extracted package): repoint atomically.
  const tmp = tmpName(at);
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, at);
}

/** Builds the overlay (idempotent; safe when another thread or process builds it at the same time). */
function overlay() {
  const i = mirrorInfo();
  if (overlayBuilt) return i;
  const files = i.files;
  const dirs = new Set(['']);
  for (const rel in files) for (let d = posixDir(rel); !dirs.has(d); d = posixDir(d)) dirs.add(d);
  for (const d of Array.from(dirs).sort()) {
    const mirrorDir = d === '' ? i.mirror : path.join(i.mirror, d);
    fs.mkdirSync(mirrorDir, { recursive: true });
    let names;
    try {
      names = fs.readdirSync(d === '' ? ROOT : path.join(ROOT, d));
    } catch {
      continue; // the whole folder was stripped
    }
    for (const name of names) {
      const rel = d === '' ? name : `${d}/${name}`;
      if (rel === '.faaslight' || dirs.has(rel) || rel in files) continue;
      link(path.join(ROOT, rel), path.join(mirrorDir, name));
    }
  }
  for (const rel in files) {
    const p = path.join(i.mirror, rel);
    if (path.basename(rel) === 'package.json') fill(rel, files[rel], p);
    else {
      try {
        fs.closeSync(fs.openSync(p, 'wx'));
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
    }
  }
  overlayBuilt = true;
  return i;
}

function sha256(data) {
  return require('crypto').createHash('sha256').update(data).digest('hex');
}

/** The original bytes of one stored file, checked against the index. */
function readStored(rel, e) {
  const fd = fs.openSync(path.join(STORE, 'store.bin'), 'r');
  let gz;
  try {
    gz = Buffer.allocUnsafe(e.length);
    fs.readSync(fd, gz, 0, e.length, e.offset);
  } finally {
    fs.closeSync(fd);
  }
  const data = require('zlib').gunzipSync(gz);
  if (data.length !== e.size || sha256(data) !== e.sha256) throw new Error(`store entry ${rel} is corrupt`);
  return data;
}

/** Makes the mirror file at `p` hold the original bytes (a placeholder or a stale file is replaced). */
function fill(rel, e, p) {
  if (filled.has(rel)) return;
  let ok = false;
  try {
    const st = fs.statSync(p);
    ok = st.size === e.size && (e.size === 0 || sha256(fs.readFileSync(p)) === e.sha256);
  } catch {}
  if (!ok) {
    const data = readStored(rel, e);
    const tmp = tmpName(p);
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.chmodSync(tmp, e.mode || 0o644);
    fs.renameSync(tmp, p); // atomic: a concurrent reader sees the placeholder or the whole file
  }
  filled.add(rel);
}

function report(rel) {
  if (reported.has(rel)) return;
  reported.add(rel);
  if (token !== null) {
    // Two threads (CommonJS and the ESM hooks) may see the same file: a marker file decides.
    const dir = path.join(info.mirror, '.faaslight', 'loads', token);
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.closeSync(fs.openSync(path.join(dir, sha256(rel)), 'wx'));
    } catch (e) {
      if (e.code === 'EEXIST') return;
    }
  }
  fs.writeSync(2, `faaslight: fallback load ${rel}\n`);
}

function warn(what, err) {
  try {
    fs.writeSync(2, `faaslight: fallback failed for ${what}: ${err && err.message}\n`);
  } catch {}
}

/**
 * A resolved absolute path: when it lies in the mirror and is a stored file, fill it and report it.
 * Throws when the file cannot be restored (it would otherwise load as an empty placeholder).
 */
function loaded(res) {
  if (typeof res !== 'string' || !path.isAbsolute(res)) return res;
  if (info === null && !inside(mirrorBase(), res)) return res; // never touched the mirror
  const i = mirrorInfo();
  if (!inside(i.mirror, res)) return res;
  const rel = toRel(i.mirror, res);
  const e = i.files[rel];
  if (e === undefined) return res;
  try {
    fill(rel, e, res);
  } catch (err) {
    warn(rel, err);
    const notFound = new Error(`Cannot find module '${res}'`);
    notFound.code = 'MODULE_NOT_FOUND';
    throw notFound;
  }
  report(rel);
  return res;
}

/** Maps a path in R to the same place in M (other paths unchanged). */
function toMirror(i, p) {
  return inside(ROOT, p) ? path.join(i.mirror, path.relative(ROOT, p)) : p;
}

/**
 * CommonJS: after `resolve` failed for a parent in R, resolve again as if the parent were its twin in
 * M. Returns the restored file's path, or undefined (the caller rethrows the original error).
 */
function retry(resolve, self, request, parent, isMain, options) {
  try {
    const from = parent && typeof parent.filename === 'string' ? parent.filename : null;
    const fromRoot = from !== null && inside(ROOT, from);
    const absRequest = path.isAbsolute(request) && inside(ROOT, request);
    const withPaths = options !== null && typeof options === 'object' && Array.isArray(options.paths);
    if (!fromRoot && !absRequest && !withPaths) return undefined; // M is complete: a miss there is real
    if (!withPaths && !overlayBuilt && !mayBeStored(request, from)) return undefined;
    const i = overlay();
    let twin = parent;
    if (fromRoot) {
      const file = toMirror(i, from);
      const dir = path.dirname(file);
      // Only M's node_modules folders: M already links every entry of R's, and a folder above M
      // (/tmp/node_modules) is not part of the package.
      const paths = Module._nodeModulePaths(dir).filter((p) => inside(i.mirror, p));
      twin = { id: file, filename: file, path: dir, paths, loaded: true, children: [] };
    }
    const req = absRequest ? toMirror(i, request) : request;
    const opts = withPaths ? Object.assign({}, options, { paths: options.paths.map((p) => toMirror(i, p)) }) : options;
    return loaded(resolve.call(self, req, twin, isMain, opts));
  } catch (err) {
    if (!err || err.code !== 'MODULE_NOT_FOUND') warn(request, err);
    return undefined;
  }
}

/** ESM: the specifier and parent URL to retry with, or undefined when the miss is not ours. */
function twinImport(specifier, parentURL) {
  const url = require('url');
  const mapUrl = (i, u) => url.pathToFileURL(toMirror(i, url.fileURLToPath(u))).href;
  const fromRoot = typeof parentURL === 'string' && parentURL.startsWith('file:') && inside(ROOT, url.fileURLToPath(parentURL));
  const absRequest = specifier.startsWith('file:') && inside(ROOT, url.fileURLToPath(specifier));
  if (!fromRoot && !absRequest) return undefined;
  if (!overlayBuilt && !mayBeStored(absRequest ? url.fileURLToPath(specifier) : specifier, fromRoot ? url.fileURLToPath(parentURL) : null))
    return undefined;
  const i = overlay();
  return {
    specifier: absRequest ? mapUrl(i, specifier) : specifier,
    parentURL: fromRoot ? mapUrl(i, parentURL) : parentURL,
  };
}

/** ESM counterpart of loaded(): a resolved URL. */
function loadedUrl(u) {
  if (typeof u === 'string' && u.startsWith('file:')) loaded(require('url').fileURLToPath(u));
}

function setToken(t) {
  token = t;
}

module.exports = { retry, loaded, loadedUrl, twinImport, setToken, warn };
