// Sets up the Python apps of the corpus (apps/README-python.md):
//   node scripts/corpus/python.mjs [--only App3,App13] [--force]
// or, from scripts/corpus-setup.mjs: `await setup({ root, only, log })` (= setupPythonApps).
//
// For each app: the Debian packages of its debian-packages.txt are installed with apt (once, for all
// apps together; a clear error when apt is unusable), then vendored into the app folder the way
// `pip install -t <app>` lays a package out (by scripts/vendor-python.mjs when the checkout has it,
// else by the same copy built in here): the files each package and its python3-* dependencies
// (recursively, through dpkg's Depends) install under /usr/lib/python3/dist-packages, including their
// *.dist-info / *.egg-info and tests/ folders, copied with symlinks followed, then byte-compiled into
// __pycache__ as pip does. Shared native libraries (OpenBLAS, libtorch, ImageMagick, OpenCV …) stay in
// the system library folders. Then the app's train.py, if any, runs in a clean `python3 -S` process.
// Idempotent: `.faaslight-vendor.json` in the app records a hash of debian-packages.txt, train.py
// and the versions of the vendored packages; an app whose hash matches is left alone.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT_DEFAULT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = '/usr/lib/python3/dist-packages/';
const PYTHON = '/usr/bin/python3';
const STAMP = '.faaslight-vendor.json';
const STAMP_VERSION = 1;

export const PYTHON_APPS = [
  'App1', 'App2', 'App3', 'App4', 'App5', 'App6', 'App7', 'App8', 'App9p', 'App9t', 'App10',
  'App11', 'App12', 'App13', 'App14', 'App15', 'App20', 'App21', 'App22',
];

/** Top-level entries that are always the app's own (committed): vendoring never writes over them. */
export const OWN_ENTRIES = new Set([
  '.gitignore', 'lambda_function.py', 'main.py', 'train.py', 'serverless.yml', 'template.yaml',
  'debian-packages.txt', 'events', 'expected', 'data', 'README.md', STAMP,
]);

/** A clean environment for Python processes (the session may set PYTHON* variables). */
export const CLEAN_ENV = { PATH: '/usr/bin:/bin', TZ: 'UTC', LANG: 'C.UTF-8', HOME: '/tmp' };

/** OWN_ENTRIES plus what the app's .gitignore whitelists (`!/name` lines), e.g. a helper module. */
export function ownEntries(appDir) {
  const own = new Set(OWN_ENTRIES);
  try {
    for (const line of fs.readFileSync(path.join(appDir, '.gitignore'), 'utf8').split('\n')) {
      const m = /^!\/([^/*]+)\/?$/.exec(line.trim());
      if (m) own.add(m[1]);
    }
  } catch {
    // no .gitignore: the fixed list only
  }
  return own;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) return { status: -1, stdout: '', stderr: String(r.error.message || r.error) };
  return r;
}

export function readPackageList(appDir) {
  const file = path.join(appDir, 'debian-packages.txt');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// dpkg / apt

const statusCache = new Map();
/** Installed version of a real (non-virtual) package, or undefined. */
function installedVersion(pkg) {
  if (statusCache.has(pkg)) return statusCache.get(pkg);
  const r = run('dpkg-query', ['-W', '-f=${Status}\t${Version}', pkg]);
  let v;
  if (r.status === 0) {
    const [status, version] = r.stdout.split('\t');
    if (status.trim() === 'install ok installed') v = version.trim();
  }
  statusCache.set(pkg, v);
  return v;
}

function aptUnusable(why, pkgs) {
  return new Error(
    `apt is unusable here (${why}); install the Debian packages by hand and run again:\n` +
      `  apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')}`,
  );
}

/** Installs the missing packages with apt-get (one call for all), running `apt-get update` once if needed. */
export function ensureInstalled(pkgs, log = console.log) {
  const missing = [...new Set(pkgs)].filter((p) => !installedVersion(p));
  if (!missing.length) return [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw aptUnusable('not running as root', missing);
  if (run('apt-get', ['--version']).status !== 0) throw aptUnusable('apt-get not found', missing);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  log(`python apps: apt-get install ${missing.join(' ')}`);
  let r = install();
  if (r.status !== 0) {
    log('python apps: apt-get install failed; running apt-get update once and retrying');
    const u = run('apt-get', ['update'], { env });
    if (u.status !== 0) throw aptUnusable(`apt-get update failed: ${tail(u)}`, missing);
    r = install();
  }
  if (r.status !== 0) throw aptUnusable(`apt-get install failed: ${tail(r)}`, missing);
  statusCache.clear();
  const still = missing.filter((p) => !installedVersion(p));
  if (still.length) throw aptUnusable(`still not installed after apt-get: ${still.join(' ')}`, still);
  return missing;
}

function tail(r) {
  return `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-8).join('\n');
}

/** Depends + Pre-Depends of an installed package: for each group, the first installed alternative. */
function dependsOf(pkg) {
  const r = run('dpkg-query', ['-W', '-f=${Pre-Depends}, ${Depends}', pkg]);
  if (r.status !== 0) return [];
  const out = [];
  for (const group of r.stdout.split(',')) {
    const alts = group
      .split('|')
      .map((a) => a.trim().replace(/\s*\(.*\)\s*$/, '').replace(/:\w+$/, ''))
      .filter(Boolean);
    const hit = alts.find((a) => installedVersion(a));
    if (hit) out.push(hit);
  }
  return out;
}

/**
 * The packages to vendor: the listed ones and, recursively, their python3-* dependencies (the
 * equivalent of pip's requirements). Non-Python packages (libraries, the interpreter) stay in the system.
 */
export function pythonClosure(pkgs) {
  const seen = new Set();
  const queue = [...pkgs];
  while (queue.length) {
    const p = queue.shift();
    if (seen.has(p)) continue;
    seen.add(p);
    for (const d of dependsOf(p)) if (d.startsWith('python3-') && !seen.has(d)) queue.push(d);
  }
  return [...seen].sort();
}

/** Files a package installs under dist-packages, relative to it (directories left out). */
function distFiles(pkg) {
  const r = run('dpkg', ['-L', pkg]);
  if (r.status !== 0) throw new Error(`dpkg -L ${pkg} failed: ${tail(r)}`);
  const files = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith(DIST)) continue;
    const rel = line.slice(DIST.length);
    if (!rel || rel.split('/').includes('__pycache__')) continue;
    let st;
    try {
      st = fs.statSync(line); // follows symlinks: pip has no symlinks, we copy their targets
    } catch {
      continue; // dangling symlink (e.g. to a doc package not installed)
    }
    if (st.isFile()) files.push(rel);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Vendoring

function hashOf(parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\0');
  return h.digest('hex').slice(0, 16);
}

function readStamp(appDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(appDir, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

function removeEntries(appDir, entries) {
  const own = ownEntries(appDir);
  for (const e of entries || []) {
    if (own.has(e) || e.includes('/') || e === '..' || e === '.') continue;
    fs.rmSync(path.join(appDir, e), { recursive: true, force: true });
  }
}

function dirStats(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile()) {
        files++;
        bytes += fs.statSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

/** Top-level entries the closure's files land in; refuses to write over the app's own files. */
export function plannedEntries(appDir, closure) {
  const own = ownEntries(appDir);
  const entries = new Set();
  for (const pkg of closure) {
    for (const rel of distFiles(pkg)) {
      const top = rel.split('/')[0];
      if (own.has(top)) throw new Error(`${pkg} installs ${rel}, which would overwrite the app's own ${top}`);
      entries.add(top);
    }
  }
  return [...entries].sort();
}

const VENDOR_SCRIPT = 'scripts/vendor-python.mjs';

/**
 * Copies the dist-packages files of `closure` into appDir (pip install -t layout). Uses the project's
 * scripts/vendor-python.mjs when present (same closure rule: python3-* Depends, recursively); the
 * built-in copy below is the fallback for a checkout without it.
 */
export function vendorInto(root, appDir, pkgs, closure) {
  const entries = plannedEntries(appDir, closure);
  const script = path.join(root, VENDOR_SCRIPT);
  if (fs.existsSync(script)) {
    const r = run(process.execPath, [script, appDir, ...pkgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`${VENDOR_SCRIPT} failed (exit ${r.status}):\n${tail(r)}`);
    return { entries, via: VENDOR_SCRIPT };
  }
  const owners = new Map();
  for (const pkg of closure) {
    for (const rel of distFiles(pkg)) {
      const prev = owners.get(rel);
      if (prev && prev !== pkg) continue; // two packages shipping one file: first wins, as with pip
      owners.set(rel, pkg);
      const dest = path.join(appDir, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(path.join(DIST, rel), dest);
    }
  }
  return { entries, via: 'built-in copy' };
}

function compileAll(appDir, entries) {
  const targets = entries.filter((e) => {
    const p = path.join(appDir, e);
    return fs.statSync(p).isDirectory() || e.endsWith('.py');
  });
  if (!targets.length) return;
  // Like pip: timestamp-based .pyc files in __pycache__, quietly skipping files that do not compile
  // (some packages ship Python 2 examples or templates with a .py suffix).
  run(PYTHON, ['-S', '-m', 'compileall', '-q', '-j', '1', ...targets], { cwd: appDir, env: CLEAN_ENV, stdio: 'ignore' });
}

function runTrain(appDir) {
  const r = run(PYTHON, ['-S', 'train.py'], { cwd: appDir, env: CLEAN_ENV, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  if (r.status !== 0) throw new Error(`train.py failed (exit ${r.status}):\n${tail(r)}`);
  return (r.stdout || '').trim().split('\n').filter(Boolean).pop() || '';
}

function fmtMB(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Sets up one app; returns { app, action, files, bytes, packages }. */
export function setupOne(root, app, { force = false, log = console.log } = {}) {
  const appDir = path.join(root, 'apps', app);
  if (!fs.existsSync(appDir)) throw new Error(`${app}: folder apps/${app} not found`);
  const pkgs = readPackageList(appDir);
  const trainFile = path.join(appDir, 'train.py');
  const train = fs.existsSync(trainFile) ? fs.readFileSync(trainFile, 'utf8') : '';
  const closure = pythonClosure(pkgs);
  const versions = closure.map((p) => `${p}=${installedVersion(p)}`);
  const hash = hashOf([STAMP_VERSION, fs.readFileSync(path.join(appDir, 'debian-packages.txt'), 'utf8'), train, ...versions]);
  const old = readStamp(appDir);
  if (!force && old && old.hash === hash && (old.entries || []).every((e) => fs.existsSync(path.join(appDir, e)))) {
    log(`${app}: up to date (${old.packages.length} packages, ${old.files} files, ${fmtMB(old.bytes)})`);
    return { app, action: 'up-to-date', files: old.files, bytes: old.bytes, packages: old.packages };
  }
  const started = Date.now();
  fs.rmSync(path.join(appDir, STAMP), { force: true });
  removeEntries(appDir, old?.entries);
  const { entries, via } = vendorInto(root, appDir, pkgs, closure);
  compileAll(appDir, entries);
  let trained = '';
  if (train) {
    const before = new Set(fs.readdirSync(appDir));
    trained = runTrain(appDir);
    const own = ownEntries(appDir);
    for (const e of fs.readdirSync(appDir)) if (!before.has(e) && !own.has(e) && e !== '__pycache__') entries.push(e);
  }
  let files = 0;
  let bytes = 0;
  for (const e of entries) {
    const p = path.join(appDir, e);
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      const s = dirStats(p);
      files += s.files;
      bytes += s.bytes;
    } else {
      files++;
      bytes += st.size;
    }
  }
  const stamp = { version: STAMP_VERSION, hash, listed: pkgs, packages: versions, entries: [...new Set(entries)].sort(), files, bytes };
  fs.writeFileSync(path.join(appDir, STAMP), JSON.stringify(stamp, null, 2) + '\n');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  log(
    `${app}: vendored ${closure.length} packages (${pkgs.join(', ')} + deps; ${via}), ${files} files, ${fmtMB(bytes)}` +
      `${train ? `; train.py: ${trained || 'ok'}` : ''} (${secs} s)`,
  );
  return { app, action: old ? 'revendored' : 'vendored', files, bytes, packages: versions };
}

/**
 * Sets up the Python apps (all, or those of `only` that are Python apps; other names are ignored so
 * the same --only list can be passed to the Node setup). Throws naming the app on the first failure.
 */
export async function setupPythonApps({ only = null, log = console.log, root = ROOT_DEFAULT, force = false } = {}) {
  const apps = PYTHON_APPS.filter((a) => !only || only.includes(a));
  if (!apps.length) return [];
  const all = [];
  for (const app of apps) all.push(...readPackageList(path.join(root, 'apps', app)));
  const installed = ensureInstalled(all, log);
  if (installed.length) log(`python apps: installed ${installed.length} Debian packages`);
  const results = [];
  for (const app of apps) {
    try {
      results.push(setupOne(root, app, { force, log }));
    } catch (e) {
      const msg = String(e.message || e);
      throw new Error(msg.startsWith(`${app}:`) ? msg : `${app}: ${msg}`);
    }
  }
  return results;
}

/** The hook scripts/corpus-setup.mjs calls. */
export const setup = setupPythonApps;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  let only = null;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') only = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
    else if (a.startsWith('--only=')) only = a.slice(7).split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--force') force = true;
    else {
      console.error(`python.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  const log = (s) => console.log(`corpus-python: ${s}`);
  setupPythonApps({ only, log, force }).catch((e) => {
    console.error(`corpus-python: ${e.message}`);
    process.exit(1);
  });
}
