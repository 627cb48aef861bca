#!/usr/bin/env node
// The headline benchmark: every app of the corpus through `faaslight batch` with a fixed number of
// measured runs, then the summary and the table.
//   npm run bench [-- --runs 10] [--jobs 2] [--out results/bench] [--only App23JS,App13] [--node-only] [--resume]
// 1. `node scripts/corpus-setup.mjs` (idempotent: up-to-date apps are left alone; --node-only skips Python);
// 2. `faaslight batch apps [--only <the Node apps> with --node-only] --out <out> --runs N --format markdown` (fresh unless --resume);
// 3. exit 1 when an app's outputs differ after optimization or an app could not be run to the end.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeApps } from './corpus-setup.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Fixed so that figures from different days compare; --runs overrides it for a quick look. */
export const BENCH_RUNS = 10;
const BENCH_WARMUP = 1;

function parseArgs(argv) {
  const o = { runs: BENCH_RUNS, jobs: undefined, out: path.join(ROOT, 'results', 'bench'), only: undefined, nodeOnly: false, resume: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') o.runs = Number(value());
    else if (a === '--jobs') o.jobs = Number(value());
    else if (a === '--out') o.out = path.resolve(value());
    else if (a === '--only') o.only = value();
    else if (a === '--node-only') o.nodeOnly = true;
    else if (a === '--resume') o.resume = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs must be a positive integer');
  if (o.jobs !== undefined && (!Number.isInteger(o.jobs) || o.jobs < 1)) throw new Error('--jobs must be a positive integer');
  return o;
}

function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${e.message}`);
    process.exit(2);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
    console.error('bench: dist/ is missing: run `npm run build` first (npm run bench does)');
    process.exit(2);
  }

  const setupArgs = [path.join(ROOT, 'scripts', 'corpus-setup.mjs')];
  if (o.only) setupArgs.push('--only', o.only);
  if (o.nodeOnly) setupArgs.push('--node-only');
  console.error(`bench: corpus setup (${setupArgs.slice(1).join(' ') || 'all apps'})`);
  const setup = spawnSync(process.execPath, setupArgs, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (setup.status !== 0) {
    console.error('bench: corpus setup failed (see above); nothing measured');
    process.exit(1);
  }

  const args = [
    path.join(ROOT, 'bin', 'faaslight.js'),
    'batch',
    path.join(ROOT, 'apps'),
    '--out',
    o.out,
    '--runs',
    String(o.runs),
    '--warmup',
    String(BENCH_WARMUP),
    '--format',
    'markdown',
  ];
  if (o.jobs) args.push('--jobs', String(o.jobs));
  // --node-only: the Node apps only, in setup and in the batch (a machine without apt).
  const only = o.nodeOnly ? nodeApps(o.only ? o.only.split(',') : null).join(',') : o.only;
  if (only) args.push('--only', only);
  if (!o.resume) args.push('--force');
  const started = Date.now();
  console.error(
    `bench: faaslight ${args
      .slice(1)
      .map((a) => path.relative(ROOT, a) || a)
      .join(' ')}`,
  );
  const batch = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (batch.status === 2 || !fs.existsSync(path.join(o.out, 'results.json'))) {
    console.error(`bench: faaslight batch failed (exit ${batch.status})`);
    process.exit(batch.status || 1);
  }

  const results = JSON.parse(fs.readFileSync(path.join(o.out, 'results.json'), 'utf8'));
  const differs = results.rows.filter((r) => r.status === 'differs');
  const errors = results.rows.filter((r) => r.status === 'error');
  console.log(`\nbench: ${((Date.now() - started) / 60000).toFixed(1)} min; results in ${path.relative(process.cwd(), o.out) || o.out}/results.{md,csv,json}`);
  for (const r of differs) console.log(`bench: FAIL ${r.app}: outputs differ after optimization (${(r.differences ?? []).join(', ') || 'expected/'})`);
  for (const r of errors) console.log(`bench: FAIL ${r.app}: ${r.error?.phase}: ${String(r.error?.message ?? '').split('\n')[0]}`);
  process.exit(differs.length || errors.length ? 1 : 0);
}

main();
