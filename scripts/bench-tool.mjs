#!/usr/bin/env node
// The benchmark of faaslight itself (not of the functions it optimizes):
//   npm run bench:tool [-- --only App23JS,App24JS] [--runs 20] [--app-runs 1] [--cli <bin/faaslight.js> …] [--out <file.json>]
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
// fixture; given more than once, the builds take turns in every round and on every app, so a before/after
// pair sees the same machine load. The result is printed and written as JSON (kind faaslight.bench-tool) to --out.
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
      cli: { type: 'string', multiple: true, default: [path.join(ROOT, 'bin', 'faaslight.js')] },
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
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    runs: count('runs'),
    appRuns: count('app-runs'),
    clis: values.cli.map((c) => path.resolve(c)),
    out: path.resolve(values.out),
    startupOnly: values['startup-only'],
    setup: !values['no-setup'],
  };
}

const cleanEnv = () => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? os.homedir(),
  TMPDIR: os.tmpdir(),
  LANG: process.env.LANG ?? 'C.UTF-8',
});

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
  const commands = [['node', [process.execPath, '-e', '0']]];
  for (const cli of o.clis) {
    commands.push(
      [`help ${cli}`, [process.execPath, cli, '--help']],
      [`analyze ${cli}`, [process.execPath, cli, 'analyze', TINY, '--handler', 'handler.handler']],
    );
  }
  const samples = new Map(commands.map(([k]) => [k, []]));
  for (let i = 0; i < o.runs; i++) {
    for (const [name, argv] of commands) {
      const r = run(argv);
      if (r.status !== 0) throw new Error(`${argv.slice(1).join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
      samples.get(name).push(r);
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
  const node = stat(samples.get('node'));
  return {
    runs: o.runs,
    node,
    clis: o.clis.map((cli) => {
      const help = stat(samples.get(`help ${cli}`));
      const analyze = stat(samples.get(`analyze ${cli}`));
      return { cli, help, analyze, helpOverNode: round(help.medianMs / node.medianMs, 2), analyzeOverNode: round(analyze.medianMs / node.medianMs, 2) };
    }),
  };
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

function optimizeOnce(cli, app, work) {
  const out = path.join(work, `${app}.opt`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(`${out}.zip`, { force: true });
  const r = run([process.execPath, cli, 'optimize', path.join(ROOT, 'apps', app), '--out', out, '--json']);
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(`${out}.zip`, { force: true });
  if (r.status !== 0) return { ...r, error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  const summary = JSON.parse(r.stdout);
  return { ...r, stages: Object.fromEntries(summary.timings.map((t) => [t.stage, t.ms])) };
}

function apps(o) {
  const names = corpusApps(o.only);
  if (o.setup) {
    const setup = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'corpus-setup.mjs'), '--only', names.join(',')], {
      cwd: ROOT,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    if (setup.status !== 0) throw new Error('corpus setup failed (see above)');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-bench-tool-'));
  const runs = new Map(o.clis.map((cli) => [cli, new Map(names.map((app) => [app, []]))]));
  for (const app of names) {
    for (let i = 0; i < o.appRuns; i++) {
      for (const cli of o.clis) {
        process.stderr.write(`bench-tool: optimize ${app}${o.appRuns > 1 ? ` ${i + 1}/${o.appRuns}` : ''}${o.clis.length > 1 ? ` (${cli})` : ''} …\n`);
        runs
          .get(cli)
          .get(app)
          .push(optimizeOnce(cli, app, work));
      }
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  return o.clis.map((cli) => ({ cli, runsPerApp: o.appRuns, ...appRows(names.map((app) => [app, runs.get(cli).get(app)])) }));
}

function appRows(perApp) {
  const rows = perApp.map(([app, runs]) => {
    const failed = runs.find((r) => r.error);
    if (failed) return { app, error: failed.error };
    // The run with the median wall time, so that its stage times and RSS belong together.
    const m = [...runs].sort((a, b) => a.wallMs - b.wallMs)[(runs.length - 1) >> 1];
    return { app, wallMs: round(m.wallMs, 0), rssMb: round(m.rssMb), stages: m.stages };
  });
  const ok = rows.filter((r) => !r.error);
  const total = {
    apps: rows.length,
    failed: rows.length - ok.length,
    wallMs: round(
      ok.reduce((s, r) => s + r.wallMs, 0),
      0,
    ),
    slowestApp: ok.length ? ok.reduce((a, b) => (b.wallMs > a.wallMs ? b : a)).app : undefined,
    maxRssMb: ok.some((r) => r.rssMb !== undefined) ? Math.max(...ok.map((r) => r.rssMb ?? 0)) : undefined,
  };
  return { rows, total };
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
  const lines = [`faaslight bench-tool on ${result.machine.cpus} CPU(s), Node ${result.machine.node}, load average ${result.machine.loadavg.join(' ')}`];
  const label = (cli) => (result.clis.length > 1 ? ` ${cli}` : '');
  const s = result.startup;
  lines.push('', `start-up, median of ${s.runs} (ms; peak RSS MB)${result.clis.length === 1 ? `: ${result.clis[0]}` : ''}:`);
  const startRows = [['node -e 0', s.node.medianMs, s.node.minMs, s.node.maxMs, ms(s.node.rssMb), '1.00']];
  for (const c of s.clis) {
    startRows.push([`faaslight --help${label(c.cli)}`, c.help.medianMs, c.help.minMs, c.help.maxMs, ms(c.help.rssMb), c.helpOverNode.toFixed(2)]);
    startRows.push([
      `faaslight analyze <tiny>${label(c.cli)}`,
      c.analyze.medianMs,
      c.analyze.minMs,
      c.analyze.maxMs,
      ms(c.analyze.rssMb),
      c.analyzeOverNode.toFixed(2),
    ]);
  }
  lines.push(table(['command', 'median', 'min', 'max', 'RSS', '× node'], startRows));
  if (result.apps) {
    const stages = [...new Set(result.apps.flatMap((a) => a.rows.flatMap((r) => Object.keys(r.stages ?? {}))))];
    lines.push(
      '',
      `optimize, verify off (wall and stage times in ms, peak RSS MB${result.apps[0].runsPerApp > 1 ? `, median of ${result.apps[0].runsPerApp}` : ''}):`,
    );
    const rows = [];
    for (const a of result.apps) {
      for (const r of a.rows)
        rows.push(
          r.error
            ? [`${r.app}${label(a.cli)}`, `error: ${r.error}`, '', ...stages.map(() => '')]
            : [`${r.app}${label(a.cli)}`, r.wallMs, ms(r.rssMb), ...stages.map((st) => ms(r.stages[st]))],
        );
      rows.push([
        `total${label(a.cli)}`,
        a.total.wallMs,
        ms(a.total.maxRssMb),
        ...stages.map((st) =>
          ms(
            round(
              a.rows.reduce((sum, r) => sum + (r.stages?.[st] ?? 0), 0),
              0,
            ),
          ),
        ),
      ]);
    }
    lines.push(table(['app', 'wall', 'RSS', ...stages], rows));
    for (const a of result.apps)
      lines.push(`${a.total.apps} app(s)${a.total.failed ? `, ${a.total.failed} failed` : ''}; slowest ${a.total.slowestApp ?? '-'}${label(a.cli)}`);
    lines.push("the total's RSS is its largest app's");
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
  const missing = o.clis.find((c) => !fs.existsSync(c));
  if (missing) {
    console.error(`bench-tool: ${missing} not found (run \`npm run build\` first; npm run bench:tool does)`);
    process.exit(2);
  }
  const result = {
    kind: 'faaslight.bench-tool',
    version: 1,
    clis: o.clis,
    machine: {
      cpus: os.availableParallelism?.() ?? os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadavg: os.loadavg().map((x) => round(x, 2)),
    },
    startedAt: new Date().toISOString(),
    startup: startup(o),
    apps: o.startupOnly ? undefined : apps(o),
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(text(result));
  process.stdout.write(`\nJSON: ${o.out}\n`);
  process.exit(result.apps?.some((a) => a.total.failed) ? 1 : 0);
}

main();
