#!/usr/bin/env node
// Records (or checks) what every Node app of the corpus returns for each of its events.
//   node scripts/corpus-expected.mjs [--only App23JS,App25JS] [--check]
// For each app (see corpus-setup.mjs) the handler string comes from its serverless.yml
// (functions.*.handler) or SAM template.yaml (Handler of AWS::Serverless::Function); each
// events/<name>.json is run once in a fresh process through runtime/node/invoke.cjs with a clean
// environment, and the harness's { ok, output, error? } is written pretty-printed to
// expected/<name>.json. With --check nothing is written: differences are listed and the exit code is 1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { nodeApps } from './corpus-setup.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APPS = path.join(ROOT, 'apps');
const INVOKE = path.join(ROOT, 'runtime', 'node', 'invoke.cjs');
const PREFIX = '__FAASLIGHT_RESULT__';
const TIMEOUT_MS = 60_000;

// CloudFormation short-form tags (!Ref, !GetAtt, !Sub, …) are kept as plain values: only Handler matters here.
const CFN_TAGS = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'ImportValue',
  'Base64',
  'Cidr',
  'GetAZs',
  'Condition',
  'Transform',
];
const customTags = CFN_TAGS.flatMap((t) => [
  { tag: `!${t}`, resolve: (v) => v },
  { tag: `!${t}`, collection: 'seq', resolve: (v) => v },
  { tag: `!${t}`, collection: 'map', resolve: (v) => v },
]);

function parseArgs(argv) {
  const opts = { only: null, check: false };
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
    else if (a === '--check') opts.check = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

/** The app's Node.js handler strings from its deployment descriptor. */
export function handlersOf(dir) {
  const found = [];
  const sls = path.join(dir, 'serverless.yml');
  const sam = path.join(dir, 'template.yaml');
  if (fs.existsSync(sls)) {
    const doc = YAML.parse(fs.readFileSync(sls, 'utf8'), { customTags });
    const runtime = (doc.provider && doc.provider.runtime) || '';
    for (const fn of Object.values(doc.functions || {})) {
      if (fn && fn.handler && String(fn.runtime || runtime).startsWith('nodejs')) found.push(fn.handler);
    }
  } else if (fs.existsSync(sam)) {
    const doc = YAML.parse(fs.readFileSync(sam, 'utf8'), { customTags });
    const globalRuntime = (doc.Globals && doc.Globals.Function && doc.Globals.Function.Runtime) || '';
    for (const res of Object.values(doc.Resources || {})) {
      if (!res || res.Type !== 'AWS::Serverless::Function') continue;
      const p = res.Properties || {};
      if (p.Handler && String(p.Runtime || globalRuntime).startsWith('nodejs')) found.push(p.Handler);
    }
  }
  return found;
}

function cleanEnv() {
  // Explicit, minimal: no NODE_EXTRA_CA_CERTS / NODE_OPTIONS / AWS_* from the caller. The region is the
  // one faaslight's verify and measure give a function (src/sandbox/env.ts lambdaEnv), as Lambda always sets one.
  return { PATH: process.env.PATH, TZ: 'UTC', LANG: 'C.UTF-8', HOME: '/tmp', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' };
}

function invoke(dir, handler, eventFile) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [INVOKE, dir, handler, eventFile], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(PREFIX));
      if (!line) {
        resolve({ harnessError: `no result line (exit ${code}${signal ? `, ${signal}` : ''})\n${stderr.trim().split('\n').slice(-10).join('\n')}` });
        return;
      }
      const r = JSON.parse(line.slice(PREFIX.length));
      const expected = { ok: r.ok, output: r.output };
      if (r.error) expected.error = r.error;
      resolve({ expected });
    });
  });
}

/** First path where two JSON values differ, for the report. */
function firstDifference(a, b, at = '$') {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`);
      if (d) return d;
    }
  }
  const show = (v) => (v === undefined ? 'undefined' : JSON.stringify(v).slice(0, 120));
  return `${at}: expected ${show(a)}, got ${show(b)}`;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`corpus-expected: ${e.message}`);
    process.exit(2);
  }
  if (!fs.existsSync(INVOKE)) {
    console.error(`corpus-expected: ${path.relative(ROOT, INVOKE)} not found`);
    process.exit(2);
  }
  const problems = [];
  let written = 0;
  let same = 0;
  for (const app of nodeApps(opts.only)) {
    const dir = path.join(APPS, app);
    if (!fs.existsSync(path.join(dir, 'node_modules'))) {
      problems.push(`${app}: node_modules missing (run node scripts/corpus-setup.mjs --only ${app})`);
      continue;
    }
    const handlers = handlersOf(dir);
    if (handlers.length !== 1) {
      problems.push(`${app}: expected one Node.js handler in serverless.yml/template.yaml, found ${handlers.length}`);
      continue;
    }
    const events = fs
      .readdirSync(path.join(dir, 'events'))
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const ev of events) {
      const name = `${app}/events/${ev}`;
      const res = await invoke(dir, handlers[0], path.join(dir, 'events', ev));
      if (res.harnessError) {
        problems.push(`${name}: ${res.harnessError}`);
        continue;
      }
      const file = path.join(dir, 'expected', ev);
      if (opts.check) {
        if (!fs.existsSync(file)) {
          problems.push(`${app}/expected/${ev}: missing`);
          continue;
        }
        const diff = firstDifference(JSON.parse(fs.readFileSync(file, 'utf8')), res.expected);
        if (diff) problems.push(`${app}/expected/${ev} differs: ${diff}`);
        else same++;
      } else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(res.expected, null, 2) + '\n');
        written++;
      }
      if (!res.expected.ok) console.log(`corpus-expected: note: ${name} ends in an error (${res.expected.error && res.expected.error.message})`);
    }
  }
  for (const p of problems) console.error(`corpus-expected: ${p}`);
  console.log(
    opts.check ? `corpus-expected: ${same} matched, ${problems.length} problem(s)` : `corpus-expected: ${written} written, ${problems.length} problem(s)`,
  );
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
