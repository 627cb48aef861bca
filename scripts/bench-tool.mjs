#!/usr/bin/env node
// The benchmark of faaslight itself (not of the functions it optimizes):
//   npm run bench:tool [-- --only App23JS,App24JS] [--runs 20] [--app-runs 1] [--cli <bin/faaslight.js>] [--out <file.json>]
//                      [--startup-only] [--no-setup]
// 1. Start-up: `--runs` rounds, each running `node -e 0`, `faaslight --help` and `faaslight analyze` on a
//    one-file fixture, in that order, so that all three see the same machine load; medians side by side.
// 2. Per app of the corpus (all apps, or --only): `faaslight optimize` (verify and measure off) once, or
//    the median of --app-runs: wall time, the stage times the CLI reports (--json), peak RSS; then the
//    corpus total.
// Every child gets a clean environment (PATH, HOME, TMPDIR, LANG): no NODE_OPTIONS and no
// NODE_EXTRA_CA_CERTS, which alone adds tens of ms to each Node start. Peak RSS comes from
// `/usr/bin/time -f %M` (the largest process of the child's tree); without it RSS is left out.
// --cli benchmarks another build (e.g. an unchanged checkout's bin/faaslight.js) on this tree's apps and
// fixture. The result is printed and written as JSON (kind faaslight.bench-tool) to --out.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIME = '/usr/bin/time';
const TINY = path.join(ROOT, 'fixtures', 'e2e', 'tiny');

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '20' },
      'app-runs': { type: 'string', default: '1' },
      cli: { type: 'string', default: path.join(ROOT, 'bin', 'faaslight.js') },
      out: { type: 'string', default: path.join(ROOT, 'results', 'bench-tool.json') },
      'startup-only': { type: 'boolean', default: false },
      'no-setup': { type: 'boolean', default: false },
    },
  });
  const count = (name) => {
    const v = values[name];
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
    return Number(v);
  };
  return {
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    runs: count('runs'),
    appRuns: count('app-runs'),
    cli: path.resolve(values.cli),
    out: path.resolve(values.out),
    startupOnly: values['startup-only'],
    setup: !values['no-setup'],
  };
}

const cleanEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.homedir(), TMPDIR: os.tmpdir(), LANG: process.env.LANG ?? 'C.UTF-8' });

const hasTime = fs.existsSync(TIME);

/** Runs one child; wall time around the spawn (the same overhead for every command compared), peak RSS from time(1). */
function run(argv, cwd = ROOT) {
  const rssFile = path.join(os.tmpdir(), `faaslight-bench-tool-${process.pid}.rss`);
  const [cmd, args] = hasTime ? [TIME, ['-o', rssFile, '-f', '%M', ...argv]] : [argv[0], argv.slice(1)];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssKb;
  if (hasTime) {
    // time(1) writes "Command exited with non-zero status N" before the value when the child fails.
    rssKb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    fs.rmSync(rssFile, { force: true });
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wallMs, rssMb: rssKb === undefined || Number.isNaN(rssKb) ? undefined : rssKb / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (n, d = 1) => (n === undefined ? undefined : Math.round(n * 10 ** d) / 10 ** d);

function startup(o) {
  const commands = {
    node: [process.execPath, '-e', '0'],
    help: [process.execPath, o.cli, '--help'],
    analyze: [process.execPath, o.cli, 'analyze', TINY, '--handler', 'handler.handler'],
  };
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < o.runs; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const r = run(argv);
      if (r.status !== 0) throw new Error(`${argv.slice(1).join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
      samples[name].push(r);
    }
    process.stderr.write(`\rbench-tool: start-up ${i + 1}/${o.runs}`);
  }
  process.stderr.write('\n');
  const stat = (xs) => ({
    medianMs: round(median(xs.map((x) => x.wallMs))),
    minMs: round(Math.min(...xs.map((x) => x.wallMs))),
    maxMs: round(Math.max(...xs.map((x) => x.wallMs))),
    rssMb: xs[0].rssMb === undefined ? undefined : round(median(xs.map((x) => x.rssMb))),
  });
  const s = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, stat(xs)]));
  return { runs: o.runs, ...s, helpOverNode: round(s.help.medianMs / s.node.medianMs, 2), analyzeOverNode: round(s.analyze.medianMs / s.node.medianMs, 2) };
}

function corpusApps(only) {
  const all = fs
    .readdirSync(path.join(ROOT, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^App\d/.test(d.name))
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (!only) return all;
  const unknown = only.filter((a) => !all.includes(a));
  if (unknown.length) throw new Error(`no such app: ${unknown.join(', ')}`);
  return only;
}

function optimizeOnce(o, app, work) {
  const out = path.join(work, `${app}.opt`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(`${out}.zip`, { force: true });
  const r = run([process.execPath, o.cli, 'optimize', path.join(ROOT, 'apps', app), '--out', out, '--json']);
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(`${out}.zip`, { force: true });
  if (r.status !== 0) return { ...r, error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  const summary = JSON.parse(r.stdout);
  return { ...r, stages: Object.fromEntries(summary.timings.map((t) => [t.stage, t.ms])) };
}

function apps(o) {
  const names = corpusApps(o.only);
  if (o.setup) {
    const setup = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'corpus-setup.mjs'), '--only', names.join(',')], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    if (setup.status !== 0) throw new Error('corpus setup failed (see above)');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-bench-tool-'));
  const rows = [];
  for (const app of names) {
    const runs = [];
    for (let i = 0; i < o.appRuns; i++) {
      process.stderr.write(`bench-tool: optimize ${app}${o.appRuns > 1 ? ` ${i + 1}/${o.appRuns}` : ''} …\n`);
      runs.push(optimizeOnce(o, app, work));
    }
    const failed = runs.find((r) => r.error);
    if (failed) {
      rows.push({ app, error: failed.error });
      continue;
    }
    // The run with the median wall time, so that its stage times and RSS belong together.
    const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs);
    const m = byWall[(byWall.length - 1) >> 1];
    rows.push({ app, wallMs: round(m.wallMs, 0), rssMb: round(m.rssMb), stages: m.stages });
  }
  fs.rmSync(work, { recursive: true, force: true });
  const ok = rows.filter((r) => !r.error);
  const total = {
    apps: rows.length,
    failed: rows.length - ok.length,
    wallMs: round(ok.reduce((s, r) => s + r.wallMs, 0), 0),
    slowestApp: ok.length ? ok.reduce((a, b) => (b.wallMs > a.wallMs ? b : a)).app : undefined,
    maxRssMb: ok.some((r) => r.rssMb !== undefined) ? Math.max(...ok.map((r) => r.rssMb ?? 0)) : undefined,
  };
  return { runsPerApp: o.appRuns, rows, total };
}

function pad(cells, widths) {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  return [pad(header, widths), ...rows.map((r) => pad(r, widths))].join('\n');
}

const ms = (n) => (n === undefined ? '-' : `${n}`);

function text(result) {
  const lines = [`faaslight bench-tool: ${result.cli} on ${result.machine.cpus} CPU(s), Node ${result.machine.node}`];
  const s = result.startup;
  if (s) {
    lines.push('', `start-up, median of ${s.runs} (ms; peak RSS MB):`);
    lines.push(
      table(
        ['command', 'median', 'min', 'max', 'RSS', '× node'],
        [
          ['node -e 0', s.node.medianMs, s.node.minMs, s.node.maxMs, ms(s.node.rssMb), '1.00'],
          ['faaslight --help', s.help.medianMs, s.help.minMs, s.help.maxMs, ms(s.help.rssMb), s.helpOverNode.toFixed(2)],
          ['faaslight analyze <tiny>', s.analyze.medianMs, s.analyze.minMs, s.analyze.maxMs, ms(s.analyze.rssMb), s.analyzeOverNode.toFixed(2)],
        ],
      ),
    );
  }
  const a = result.apps;
  if (a) {
    const stages = [...new Set(a.rows.flatMap((r) => Object.keys(r.stages ?? {})))];
    lines.push('', `optimize, verify off (wall and stage times in ms, peak RSS MB${a.runsPerApp > 1 ? `, median of ${a.runsPerApp}` : ''}):`);
    lines.push(
      table(
        ['app', 'wall', 'RSS', ...stages],
        [
          ...a.rows.map((r) => (r.error ? [r.app, `error: ${r.error}`, '', ...stages.map(() => '')] : [r.app, r.wallMs, ms(r.rssMb), ...stages.map((st) => ms(r.stages[st]))])),
          ['total', a.total.wallMs, ms(a.total.maxRssMb), ...stages.map((st) => ms(round(a.rows.reduce((sum, r) => sum + (r.stages?.[st] ?? 0), 0), 0)))],
        ],
      ),
    );
    lines.push(`${a.total.apps} app(s)${a.total.failed ? `, ${a.total.failed} failed` : ''}; slowest ${a.total.slowestApp ?? '-'}; RSS of the total is the largest app's`);
  }
  return `${lines.join('\n')}\n`;
}

function main() {
  let o;
  try {
    o = options(process.argv.slice(2));
  } catch (e) {
    console.error(`bench-tool: ${e.message}`);
    process.exit(2);
  }
  if (!fs.existsSync(o.cli)) {
    console.error(`bench-tool: ${o.cli} not found (run \`npm run build\` first; npm run bench:tool does)`);
    process.exit(2);
  }
  const result = {
    kind: 'faaslight.bench-tool',
    version: 1,
    cli: o.cli,
    machine: { cpus: os.availableParallelism?.() ?? os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}`, loadavg: os.loadavg().map((x) => round(x, 2)) },
    startedAt: new Date().toISOString(),
    startup: startup(o),
    apps: o.startupOnly ? undefined : apps(o),
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(text(result));
  process.stdout.write(`\nJSON: ${o.out}\n`);
  process.exit(result.apps?.total.failed ? 1 : 0);
}

main();
