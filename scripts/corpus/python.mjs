// Sets up the Python apps of the corpus (apps/README-python.md):
//   node scripts/corpus/python.mjs [--only App3,App13] [--force] [--layout pip|debian]
// or, from scripts/corpus-setup.mjs: `await setup({ root, only, log })` (= setupPythonApps).
//
// Two layouts. `pip` (the default) builds each app as a Lambda user does, from its pinned
// requirements.txt: `pip install -t <app> -r requirements.txt --platform manylinux2014_x86_64
// --only-binary=:all: --python-version 3.11 --implementation cp`, run by a Python 3.11 (pip's own
// layout: *.dist-info with RECORD, *.libs/ with the wheels' bundled shared objects, .pth files, bin/),
// then train.py, if any, with that interpreter and -S. An app without requirements.txt (App12, App15:
// PyPI's torch is the CUDA build, gigabytes) is set up in the Debian layout even then, and says so.
// `debian` is the earlier layout, byte for byte (its stamp too), described below.
//
// Debian layout, for each app: the Debian packages of its debian-packages.txt are installed with apt (once, for all
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
const PIP_STAMP_VERSION = 2;
export const LAYOUTS = ['pip', 'debian'];
/** The Lambda target the wheels are chosen for: Amazon Linux 2's glibc 2.26 allows manylinux2014 at most. */
export const PIP_TARGET = ['--platform', 'manylinux2014_x86_64', '--only-binary=:all:', '--python-version', '3.11', '--implementation', 'cp'];
const STAGE = '.faaslight-pip-stage';

export const PYTHON_APPS = [
  'App1',
  'App2',
  'App3',
  'App4',
  'App5',
  'App6',
  'App7',
  'App8',
  'App9p',
  'App9t',
  'App10',
  'App11',
  'App12',
  'App13',
  'App14',
  'App15',
  'App20',
  'App21',
  'App22',
];

/** Top-level entries that are always the app's own (committed): vendoring never writes over them. */
export const OWN_ENTRIES = new Set([
  '.gitignore',
  'lambda_function.py',
  'main.py',
  'train.py',
  'serverless.yml',
  'template.yaml',
  'debian-packages.txt',
  'requirements.txt',
  'system-packages.txt',
  'events',
  'expected',
  'data',
  'README.md',
  STAMP,
  STAGE,
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

export function readPackageList(appDir, name = 'debian-packages.txt') {
  const file = path.join(appDir, name);
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
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      .map((a) =>
        a
          .trim()
          .replace(/\s*\(.*\)\s*$/, '')
          .replace(/:\w+$/, ''),
      )
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

function runTrain(appDir, python = PYTHON) {
  const r = run(python, ['-S', 'train.py'], { cwd: appDir, env: CLEAN_ENV, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
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

// ---------------------------------------------------------------------------------------------
// pip layout

/** The requirement lines of the app's requirements.txt (comments and blank lines left out); [] without one. */
export function readRequirements(appDir) {
  const file = path.join(appDir, 'requirements.txt');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

const PROBE = 'import sys, pip; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3]); print(pip.__version__)';
let pipPython;
/**
 * A CPython 3.11 with pip to build and train with: $FAASLIGHT_PYTHON, else python3.11 on PATH, else
 * Debian's. Each is run to check its version: another minor would compile .pyc files for the wrong magic number.
 */
export function findPipPython(env = process.env) {
  if (pipPython) return pipPython;
  const tried = [];
  for (const cmd of [env.FAASLIGHT_PYTHON, 'python3.11', '/usr/bin/python3.11'].filter(Boolean)) {
    const r = run(cmd, ['-c', PROBE], { env });
    const [exe, version, pipVersion] = (r.status === 0 ? r.stdout : '').trim().split('\n');
    tried.push(`${cmd}: ${r.status === 0 ? `Python ${version}, pip ${pipVersion}` : `exit ${r.status}`}`);
    if (r.status === 0 && /^3\.11\./.test(version)) return (pipPython = { path: exe, version, pip: pipVersion });
    if (env.FAASLIGHT_PYTHON === cmd) break; // configured: never silently another one
  }
  throw new Error(`no CPython 3.11 with pip for the wheels of the python3.11 target (${tried.join('; ')})`);
}

function entryStats(appDir, entries) {
  let files = 0;
  let bytes = 0;
  for (const e of entries) {
    const p = path.join(appDir, e);
    const st = fs.lstatSync(p);
    if (st.isDirectory()) {
      const s = dirStats(p);
      files += s.files;
      bytes += s.bytes;
    } else if (st.isFile()) {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
}

/** Name==version of each *.dist-info pip wrote, from its METADATA. */
function installedDists(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir).sort()) {
    if (!e.endsWith('.dist-info')) continue;
    const meta = fs.readFileSync(path.join(dir, e, 'METADATA'), 'utf8');
    const field = (k) => new RegExp(`^${k}: *(.+)$`, 'm').exec(meta)?.[1].trim();
    out.push(`${field('Name')}==${field('Version')}`);
  }
  return out;
}

/**
 * Sets up one app in the pip layout: pip installs into a staging folder inside the app (same file
 * system, so the entries move by rename), the entries are checked against the app's own files, moved
 * in, then train.py runs. Returns { app, action, files, bytes, packages, layout: 'pip' }.
 */
export function setupOnePip(root, app, { force = false, log = console.log } = {}) {
  const appDir = path.join(root, 'apps', app);
  const reqFile = path.join(appDir, 'requirements.txt');
  const requirements = fs.readFileSync(reqFile, 'utf8');
  const python = findPipPython();
  const trainFile = path.join(appDir, 'train.py');
  const train = fs.existsSync(trainFile) ? fs.readFileSync(trainFile, 'utf8') : '';
  const hash = hashOf([PIP_STAMP_VERSION, 'pip', requirements, train, python.version, ...PIP_TARGET]);
  const old = readStamp(appDir);
  if (!force && old && old.hash === hash && (old.entries || []).every((e) => fs.existsSync(path.join(appDir, e)))) {
    log(`${app}: up to date (pip layout, ${old.packages.length} distributions, ${old.files} files, ${fmtMB(old.bytes)})`);
    return { app, action: 'up-to-date', files: old.files, bytes: old.bytes, packages: old.packages, layout: 'pip' };
  }
  const started = Date.now();
  fs.rmSync(path.join(appDir, STAMP), { force: true });
  removeEntries(appDir, old?.entries);
  // Byte code of top-level modules from an earlier setup (the Debian layout does not list it): pip
  // writes its own, and a folder of the same name would block the move below.
  fs.rmSync(path.join(appDir, '__pycache__'), { recursive: true, force: true });
  const stage = path.join(appDir, STAGE);
  fs.rmSync(stage, { recursive: true, force: true });
  // The user's pip configuration (index, certificates, find-links) applies, as it would for them.
  const r = run(python.path, ['-m', 'pip', 'install', '--no-input', '--no-warn-conflicts', '-t', stage, '-r', reqFile, ...PIP_TARGET], {
    cwd: appDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw new Error(`pip install failed (exit ${r.status}):\n${tail(r)}`);
  }
  const packages = installedDists(stage);
  const own = ownEntries(appDir);
  const entries = fs.readdirSync(stage).sort();
  const clash = entries.filter((e) => own.has(e) || fs.existsSync(path.join(appDir, e)));
  if (clash.length) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw new Error(`pip would overwrite ${clash.join(', ')} in the app folder`);
  }
  for (const e of entries) fs.renameSync(path.join(stage, e), path.join(appDir, e));
  fs.rmSync(stage, { recursive: true, force: true });
  let trained = '';
  if (train) {
    const before = new Set(fs.readdirSync(appDir));
    trained = runTrain(appDir, python.path);
    for (const e of fs.readdirSync(appDir)) if (!before.has(e) && !own.has(e) && e !== '__pycache__') entries.push(e);
  }
  const { files, bytes } = entryStats(appDir, entries);
  const stamp = {
    version: PIP_STAMP_VERSION,
    layout: 'pip',
    hash,
    python: { path: python.path, version: python.version, pip: python.pip },
    target: PIP_TARGET,
    packages,
    entries: [...new Set(entries)].sort(),
    files,
    bytes,
  };
  fs.writeFileSync(path.join(appDir, STAMP), JSON.stringify(stamp, null, 2) + '\n');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  log(`${app}: pip installed ${packages.length} distributions, ${files} files, ${fmtMB(bytes)}${train ? `; train.py: ${trained || 'ok'}` : ''} (${secs} s)`);
  return { app, action: old ? 'reinstalled' : 'installed', files, bytes, packages, layout: 'pip' };
}

/**
 * The layout an app is set up in for the layout asked for: pip needs a requirements.txt, Debian a
 * debian-packages.txt (App10 has none: Debian has no lightgbm).
 */
export function layoutFor(appDir, layout) {
  const has = (f) => fs.existsSync(path.join(appDir, f));
  if (layout === 'pip' && !has('requirements.txt')) return 'debian';
  if (layout === 'debian' && !has('debian-packages.txt')) return 'pip';
  return layout;
}

/** The interpreter the app's packages were built for (its stamp), Debian's for the Debian layout. */
export function appPython(appDir) {
  return readStamp(appDir)?.python?.path ?? PYTHON;
}

/**
 * Sets up the Python apps (all, or those of `only` that are Python apps; other names are ignored so
 * the same --only list can be passed to the Node setup). Throws naming the app on the first failure.
 */
export async function setupPythonApps({ only = null, log = console.log, root = ROOT_DEFAULT, force = false, layout = 'pip' } = {}) {
  if (!LAYOUTS.includes(layout)) throw new Error(`unknown layout ${layout} (${LAYOUTS.join(', ')})`);
  const apps = PYTHON_APPS.filter((a) => !only || only.includes(a));
  if (!apps.length) return [];
  const layouts = new Map(apps.map((a) => [a, layoutFor(path.join(root, 'apps', a), layout)]));
  const all = [];
  // pip layout: only the native libraries no wheel carries (system-packages.txt: ImageMagick for Wand),
  // which a Lambda user brings as a layer.
  for (const app of apps)
    all.push(...readPackageList(path.join(root, 'apps', app), layouts.get(app) === 'debian' ? 'debian-packages.txt' : 'system-packages.txt'));
  const installed = ensureInstalled(all, log);
  if (installed.length) log(`python apps: installed ${installed.length} Debian packages`);
  const results = [];
  for (const app of apps) {
    try {
      if (layouts.get(app) === 'pip') {
        if (layout === 'debian') log(`${app}: no debian-packages.txt, pip layout (apps/README-python.md says why)`);
        results.push(setupOnePip(root, app, { force, log }));
      } else {
        if (layout === 'pip') log(`${app}: no requirements.txt, Debian layout (apps/README-python.md says why)`);
        results.push(setupOne(root, app, { force, log }));
      }
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
  let layout = 'pip';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only')
      only = argv[++i]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a.startsWith('--only='))
      only = a
        .slice(7)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--force') force = true;
    else if (a === '--layout') layout = argv[++i];
    else if (a.startsWith('--layout=')) layout = a.slice(9);
    else {
      console.error(`python.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  const log = (s) => console.log(`corpus-python: ${s}`);
  setupPythonApps({ only, log, force, layout }).catch((e) => {
    console.error(`corpus-python: ${e.message}`);
    process.exit(1);
  });
}
