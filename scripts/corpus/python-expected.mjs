#!/usr/bin/env node
// Records (or checks) what every Python app of the corpus returns for each of its events.
//   node scripts/corpus/python-expected.mjs [--only App3,App13] [--check]
//   node scripts/corpus/python-expected.mjs [--only …] --cold 5   (cold-start timing only, see below)
// For each app (scripts/corpus/python.mjs must have set it up) the handler string comes from its
// serverless.yml (functions.*.handler). Each events/<name>.json is run twice, each time in a fresh
// `python3.11 -S runtime/python/invoke.py` process (the interpreter the app's wheels were installed
// with, from its stamp; Debian's /usr/bin/python3 for the Debian layout) with a clean environment and the app folder
// first on sys.path; the two results must be identical. { ok, output } (or { ok: false, error }) is
// written pretty-printed to expected/<name>.json. With --check nothing is written: differences are
// listed and the exit code is 1.
// It also checks that each rarer event imports at least one module that the app's common event
// (COMMON_EVENT below) does not — the modules a branch loads after init, from sys.modules.
// --cold N: nothing is checked or written; the common event is run N times, each in a fresh process
// (after one warm-up run), and the median wall time of the whole process is printed per app.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { appPython, CLEAN_ENV, PYTHON_APPS } from './python.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APPS = path.join(ROOT, 'apps');
const INVOKE = path.join(ROOT, 'runtime', 'python', 'invoke.py');
const PREFIX = '__FAASLIGHT_RESULT__';
const TIMEOUT_MS = 180_000;

/** The event that takes each app's common path; every other event is a rarer branch. */
export const COMMON_EVENT = {
  App1: 'resize',
  App2: 'hello',
  App3: 'hello',
  App4: 'predict',
  App5: 'links',
  App6: 'arrays',
  App7: 'slic',
  App8: 'versions',
  App9p: 'predict',
  App9t: 'train',
  App10: 'accuracy',
  App11: 'positive',
  App12: 'predict',
  App13: 'loops',
  App14: 'version',
  App15: 'answer',
  App20: 'user',
  App21: 'predict',
  App22: 'arrays',
};

// Imports the handler, then reports the modules that running the event added to sys.modules.
const MODULES_PY = `
import importlib, json, os, sys
root, handler, event_file = sys.argv[1:4]
os.chdir(root)
sys.path.insert(0, root)
with open(event_file, encoding="utf-8") as f:
    event = json.load(f)
mod, _, fn = handler.rpartition(".")
m = importlib.import_module(mod.replace("/", "."))
before = set(sys.modules)
try:
    getattr(m, fn)(event, None)
except BaseException:
    pass
sys.stdout.write("${PREFIX}" + json.dumps(sorted(set(sys.modules) - before)) + "\\n")
sys.stdout.flush()
os._exit(0)
`;

export function handlerOf(appDir) {
  const file = path.join(appDir, 'serverless.yml');
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const fns = Object.values(doc?.functions ?? {});
  const h = fns.find((f) => f && typeof f.handler === 'string')?.handler;
  if (!h) throw new Error(`no functions.*.handler in ${path.relative(ROOT, file)}`);
  return h;
}

function runPython(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(appPython(cwd), ['-S', ...args], { cwd, env: CLEAN_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(PREFIX));
      if (!line) {
        resolve({ error: `no result line (exit ${code}): ${err.trim().split('\n').slice(-6).join('\n')}` });
        return;
      }
      resolve({ value: JSON.parse(line.slice(PREFIX.length)) });
    });
  });
}

async function invoke(appDir, handler, eventFile) {
  const r = await runPython([INVOKE, appDir, handler, eventFile], appDir);
  if (r.error) throw new Error(r.error);
  const v = r.value;
  return v.ok ? { ok: true, output: v.output } : { ok: false, error: { name: v.error?.name, message: v.error?.message } };
}

async function modulesOf(appDir, handler, eventFile) {
  const r = await runPython(['-c', MODULES_PY, appDir, handler, eventFile], appDir);
  if (r.error) throw new Error(r.error);
  return r.value;
}

/** Records or checks one app; returns a list of problems (empty when all is well). */
export async function expectApp(app, { check = false, log = console.log } = {}) {
  const appDir = path.join(APPS, app);
  const problems = [];
  if (!fs.existsSync(path.join(appDir, '.faaslight-vendor.json'))) {
    return [`${app}: not set up (run node scripts/corpus/python.mjs --only ${app})`];
  }
  const handler = handlerOf(appDir);
  const events = fs
    .readdirSync(path.join(appDir, 'events'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  fs.mkdirSync(path.join(appDir, 'expected'), { recursive: true });
  const modules = {};
  for (const ev of events) {
    const name = ev.replace(/\.json$/, '');
    const eventFile = path.join(appDir, 'events', ev);
    const first = await invoke(appDir, handler, eventFile);
    const second = await invoke(appDir, handler, eventFile);
    if (!isDeepStrictEqual(first, second)) {
      problems.push(`${app}/${name}: output differs between two runs`);
      continue;
    }
    const text = JSON.stringify(first, null, 2) + '\n';
    const expFile = path.join(appDir, 'expected', `${name}.json`);
    if (check) {
      const want = fs.existsSync(expFile) ? JSON.parse(fs.readFileSync(expFile, 'utf8')) : undefined;
      if (!want) problems.push(`${app}/${name}: expected/${name}.json missing`);
      else if (!isDeepStrictEqual(want, first)) problems.push(`${app}/${name}: output differs from expected/${name}.json`);
    } else {
      fs.writeFileSync(expFile, text);
    }
    modules[name] = await modulesOf(appDir, handler, eventFile);
    log(`${app}/${name}: ${first.ok ? 'ok' : `error ${first.error.name}`}, ${modules[name].length} modules loaded by the event`);
  }
  const common = COMMON_EVENT[app];
  if (!modules[common]) problems.push(`${app}: common event events/${common}.json missing`);
  else {
    const base = new Set(modules[common]);
    for (const [name, mods] of Object.entries(modules)) {
      if (name === common) continue;
      const extra = mods.filter((m) => !base.has(m));
      if (!extra.length) problems.push(`${app}/${name}: imports no module that ${common} does not`);
      else log(`${app}/${name}: also imports ${extra.slice(0, 4).join(', ')}${extra.length > 4 ? ` … (${extra.length})` : ''}`);
    }
  }
  return problems;
}

/** Median wall-clock ms of `python3 -S invoke.py` on the common event, over n fresh processes. */
export async function coldStart(app, n) {
  const appDir = path.join(APPS, app);
  const handler = handlerOf(appDir);
  const eventFile = path.join(appDir, 'events', `${COMMON_EVENT[app]}.json`);
  await invoke(appDir, handler, eventFile); // warm-up: page cache, __pycache__ of the handler
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await invoke(appDir, handler, eventFile);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!r.ok) throw new Error(`${app}: ${r.error.name}: ${r.error.message}`);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
}

async function main() {
  const argv = process.argv.slice(2);
  let only = null;
  let check = false;
  let cold = 0;
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
    else if (a === '--check') check = true;
    else if (a === '--cold') cold = Number(argv[++i]);
    else {
      console.error(`python-expected: unknown argument ${a}`);
      process.exit(2);
    }
  }
  const apps = PYTHON_APPS.filter((a) => !only || only.includes(a));
  const log = (s) => console.log(`python-expected: ${s}`);
  if (cold > 0) {
    for (const app of apps) {
      const t = await coldStart(app, cold);
      log(
        `${app}: cold start (process wall time, ${COMMON_EVENT[app]}) median ${t.median.toFixed(0)} ms over ${cold} runs (min ${t.min.toFixed(0)}, max ${t.max.toFixed(0)})`,
      );
    }
    return;
  }
  const problems = [];
  for (const app of apps) {
    try {
      problems.push(...(await expectApp(app, { check, log })));
    } catch (e) {
      problems.push(`${app}: ${e.message}`);
    }
  }
  for (const p of problems) console.error(`python-expected: FAIL ${p}`);
  console.log(`python-expected: ${apps.length} apps, ${problems.length} problems${check ? ' (check)' : ''}`);
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
