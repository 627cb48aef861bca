#!/usr/bin/env node
// Installs the corpus apps' dependencies reproducibly (see apps/README.md).
//   node scripts/corpus-setup.mjs [--only App23JS,App25JS] [--node-only]
// Node apps (apps/*/ with package.json + package-lock.json): `npm ci --omit=dev` — the deployment
// install: dev dependencies (e.g. App26JS's typescript; its dist/ is committed) are never installed.
// Idempotent: an app is skipped when node_modules/.corpus-stamp.json records the same lock hash,
// install flags and Node major. Python apps are set up by scripts/corpus/python.mjs when that module
// exists (it exports `setup({ root, only, log })` → [{ app, action }], throwing with the app name on
// failure); --node-only skips it. Exit 1 naming the app on the first failure.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APPS = path.join(ROOT, 'apps');
const STAMP = '.corpus-stamp.json';
const NPM_ARGS = ['ci', '--omit=dev', '--no-audit', '--no-fund'];

export function parseArgs(argv) {
  const opts = { only: null, nodeOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only')
      opts.only = argv[++i]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a.startsWith('--only='))
      opts.only = a
        .slice(7)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--node-only') opts.nodeOnly = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

/** Node apps of the corpus: folders under apps/ with a package.json and a package-lock.json. */
export function nodeApps(only) {
  const names = fs
    .readdirSync(APPS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const apps = names
    .filter((n) => fs.existsSync(path.join(APPS, n, 'package.json')) && fs.existsSync(path.join(APPS, n, 'package-lock.json')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return only ? apps.filter((a) => only.includes(a)) : apps;
}

function stampOf(dir) {
  const lock = fs.readFileSync(path.join(dir, 'package-lock.json'));
  return {
    lockSha256: createHash('sha256').update(lock).digest('hex'),
    npmArgs: NPM_ARGS.join(' '),
    nodeMajor: process.versions.node.split('.')[0],
  };
}

function readStamp(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', STAMP), 'utf8'));
  } catch {
    return null;
  }
}

function setupNodeApp(app, log) {
  const dir = path.join(APPS, app);
  const want = stampOf(dir);
  const have = readStamp(dir);
  if (have && have.lockSha256 === want.lockSha256 && have.npmArgs === want.npmArgs && have.nodeMajor === want.nodeMajor) {
    log(`${app}: up to date (lock ${want.lockSha256.slice(0, 12)})`);
    return 'up-to-date';
  }
  const started = Date.now();
  const r = spawnSync('npm', NPM_ARGS, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const tail = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${app}: npm ${NPM_ARGS.join(' ')} failed (exit ${r.status})\n${tail}`);
  }
  fs.writeFileSync(path.join(dir, 'node_modules', STAMP), JSON.stringify(want, null, 2) + '\n');
  log(`${app}: installed (npm ${NPM_ARGS.join(' ')}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 'installed';
}

async function setupPython(opts, log) {
  const plugin = path.join(ROOT, 'scripts', 'corpus', 'python.mjs');
  if (!fs.existsSync(plugin)) {
    log('python apps: skipped (scripts/corpus/python.mjs not present)');
    return;
  }
  const mod = await import(pathToFileURL(plugin).href);
  await mod.setup({ root: ROOT, only: opts.only, log });
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`corpus-setup: ${e.message}`);
    process.exit(2);
  }
  const log = (s) => console.log(`corpus-setup: ${s}`);
  const apps = nodeApps(opts.only);
  for (const app of apps) {
    try {
      setupNodeApp(app, log);
    } catch (e) {
      console.error(`corpus-setup: FAILED ${e.message}`);
      process.exit(1);
    }
  }
  if (!opts.nodeOnly) {
    try {
      await setupPython(opts, log);
    } catch (e) {
      console.error(`corpus-setup: FAILED ${e.message}`);
      process.exit(1);
    }
  }
  log(`done (${apps.length} node app${apps.length === 1 ? '' : 's'})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
