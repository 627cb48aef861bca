#!/usr/bin/env node
// Vendors Debian Python packages into an app folder, laid out as `pip install -t` does.
//   node scripts/vendor-python.mjs <appDir> <debian-pkg>... [--into subdir]
// Installs missing packages with apt-get (clear error when apt is unusable), then copies the files each
// package (and, recursively, its python3-* Depends) installs under /usr/lib/python3/dist-packages,
// including *.dist-info / *.egg-info. Shared native libraries stay in the system. Idempotent: files
// already present with the same content are left alone.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const DIST = '/usr/lib/python3/dist-packages/';
// The interpreter itself is provided by the runtime, never vendored.
const INTERPRETER =
  /^(python3|python3-minimal|python3-all(-dev)?|python3-dev|python3\.\d+|python3\.\d+-(minimal|dev)|python3-distutils|python3-lib2to3|libpython3.*)$/;

function fail(msg) {
  process.stderr.write(`vendor-python: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const out = { app: undefined, pkgs: [], into: '' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--into') out.into = argv[++i] ?? fail('--into needs a folder');
    else if (!out.app) out.app = argv[i];
    else out.pkgs.push(argv[i]);
  }
  if (!out.app || !out.pkgs.length) fail('usage: vendor-python.mjs <appDir> <debian-pkg>... [--into subdir]');
  return out;
}

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureInstalled(pkgs) {
  const missing = pkgs.filter((p) => !installed(p));
  if (!missing.length) return;
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error || r.status !== 0) {
    fail(
      `cannot install ${missing.join(' ')} with apt-get (${r.error?.message ?? (r.stderr.trim().split('\n').pop() || `exit ${r.status}`)}); run as root: apt-get update && apt-get install -y ${missing.join(' ')}`,
    );
  }
}

function depends(pkg) {
  const raw = execFileSync('dpkg-query', ['-W', '-f=${Depends},${Pre-Depends}', pkg], { encoding: 'utf8' });
  const names = [];
  for (const clause of raw.split(',')) {
    // Alternatives: take the first one that is installed.
    const alts = clause
      .split('|')
      .map((a) => a.trim().split(/[\s(]/)[0].replace(/:any$/, ''))
      .filter(Boolean);
    // apt installed the real Depends with the package; an uninstalled name here is virtual
    // (python3-numpy-abi9 is provided by python3-numpy itself).
    const pick = alts.find((a) => installed(a));
    if (pick && pick.startsWith('python3-') && !INTERPRETER.test(pick)) names.push(pick);
  }
  return names;
}

function closure(pkgs) {
  const seen = new Set();
  const queue = [...pkgs];
  while (queue.length) {
    const p = queue.shift();
    if (seen.has(p)) continue;
    seen.add(p);
    queue.push(...depends(p));
  }
  return [...seen].sort();
}

function filesOf(pkg) {
  const list = execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8' }).split('\n');
  return list.filter((f) => f.startsWith(DIST) && !f.includes('/__pycache__/') && fs.existsSync(f) && fs.statSync(f).isFile());
}

function copyIfChanged(src, dest) {
  const data = fs.readFileSync(src);
  if (fs.existsSync(dest) && fs.readFileSync(dest).equals(data)) return false;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, data);
  fs.chmodSync(dest, fs.statSync(src).mode & 0o777);
  return true;
}

const args = parseArgs(process.argv.slice(2));
if (spawnSync('dpkg-query', ['--version']).error) fail('dpkg-query not found: this script needs a Debian-based system');
ensureInstalled(args.pkgs);
const all = closure(args.pkgs);
const target = path.resolve(args.app, args.into);
let copied = 0;
let total = 0;
for (const pkg of all) {
  for (const f of filesOf(pkg)) {
    total++;
    if (copyIfChanged(f, path.join(target, f.slice(DIST.length)))) copied++;
  }
}
process.stdout.write(`vendor-python: ${all.join(' ')} → ${path.relative(process.cwd(), target) || '.'} (${total} files, ${copied} written)\n`);
