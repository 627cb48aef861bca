// The CI slice of the bench: `faaslight batch` through the CLI on real corpus apps with few runs,
// checking the results files. Node: App23JS (express + serverless-http) and App26JS (tsc output, once
// its dist/ is built by the setup); Python: App13 (numpy loops) when it is vendored and the pipeline
// optimizes Python (until then `optimize` refuses Python apps and the batch would only show an error row).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv } from '../../src/util/env.js';
import { naturalCompare } from '../../src/batch/discover.js';
import { skipWithout } from '../prereq.js';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/faaslight.js');
const app = (a: string) => path.join(ROOT, 'apps', a);

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const installed = (a: string) => fs.existsSync(path.join(app(a), 'node_modules'));
// Whether `optimize` takes Python apps, asked of a one-file Python fixture (fast), not of App13 itself.
const pythonReady = () =>
  !skipWithout(fs.existsSync(path.join(app('App13'), '.faaslight-vendor.json')), 'App13 vendored (node scripts/corpus/python.mjs --only App13)') &&
  cli(['analyze', path.join(ROOT, 'fixtures/measure/python-app'), '--handler', 'app.handler', '--json']).code === 0;

const APPS = [
  ...(installed('App23JS') ? ['App23JS'] : []),
  ...(!skipWithout(installed('App26JS') && fs.existsSync(path.join(app('App26JS'), 'dist/handler.js')), 'App26JS installed with its dist/ built')
    ? ['App26JS']
    : []),
  ...(pythonReady() ? ['App13'] : []),
].sort(naturalCompare);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-e2e-batch-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(skipWithout(installed('App23JS'), 'App23JS installed'))(`faaslight batch on ${APPS.join(', ')} (CI slice of npm run bench)`, () => {
  it('optimizes, verifies against expected/, measures before/after and writes JSON, CSV and Markdown', () => {
    const out = path.join(tmp, 'results');
    const r = cli(['batch', path.join(ROOT, 'apps'), '--out', out, '--only', APPS.join(','), '--runs', '2', '--warmup', '0', '--json']);
    expect(r.stderr).not.toMatch(/internal error/);
    const results = JSON.parse(r.stdout);
    expect(results.rows.map((x: any) => x.app)).toEqual(APPS);
    for (const row of results.rows) {
      expect(row.status, `${row.app}: ${JSON.stringify(row.error ?? row.differences)}`).toBe('ok');
      expect(row.identical).toBe(true);
      expect(row.fallbackLoads).toEqual([]);
      expect(row.expected.checked).toBe(row.events.length);
      expect(row.expected.optimizedMismatches).toEqual([]);
      expect(row.package.after.files).toBeLessThan(row.package.before.files);
      expect(row.counts.lazy + row.counts.stubbed).toBeGreaterThan(0);
      expect(row.analysisMs).toBeGreaterThan(0);
      for (const k of ['init', 'firstInvoke', 'e2e', 'peakRssKb']) {
        expect(row.cold[k].before, `${row.app} ${k}`).toBeGreaterThan(0);
        expect(row.cold[k].after, `${row.app} ${k}`).toBeGreaterThan(0);
        expect(row.cold[k].ratio).toBeCloseTo(row.cold[k].after / row.cold[k].before, 2);
      }
      expect(row.cold.failedRuns).toEqual({ before: 0, after: 0 });
    }
    expect(r.code, r.stderr).toBe(0);
    expect(results.summary).toMatchObject({ apps: APPS.length, ok: APPS.length, differs: 0, errors: 0 });
    expect(results.summary.e2e.n).toBe(APPS.length);
    // Progress goes to stderr as plain lines (not a terminal here): one per finished app.
    for (const a of APPS) expect(r.stderr).toMatch(new RegExp(`\\[\\d/${APPS.length}\\] ${a} ok`));
    expect(r.stderr).not.toContain('\x1b[');

    const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(APPS.length + 1);
    const header = csv[0].split(',');
    expect(header).toEqual(
      expect.arrayContaining(['app', 'zip_bytes_before', 'init_ms_ratio', 'e2e_ms_ratio', 'peak_rss_kb_after', 'identical', 'fallback_loads']),
    );
    const first = Object.fromEntries(header.map((h, i) => [h, csv[1].split(',')[i]]));
    expect(first).toMatchObject({ app: APPS[0], status: 'ok', identical: 'yes' });
    const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/^Summary: \d+ apps?: \d+ ok, 0 differ, 0 errors · after\/before over \d+ measured: end-to-end cold start median/);
    for (const a of APPS) expect(md).toMatch(new RegExp(`^\\| ${a} \\| \\w+ \\| ok \\|`, 'm'));
    for (const a of APPS)
      for (const f of ['result.json', 'optimize.json', 'measure.json', 'opt.zip']) expect(fs.existsSync(path.join(out, a, f)), `${a}/${f}`).toBe(true);
    // The HTML report is written by default, with every app's cold-start samples.
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    for (const a of APPS) expect(html).toContain(a);
    expect(html).toContain('Cold-start distributions');

    // A second run resumes: nothing left to do, same table.
    const again = cli(['batch', path.join(ROOT, 'apps'), '--out', out, '--only', APPS.join(','), '--runs', '2', '--warmup', '0', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${APPS.length} app(s), 0 to run, ${APPS.length} done earlier`);
    expect(JSON.parse(again.stdout).rows).toEqual(results.rows);
  }, 300_000);

  it('usage errors exit 2 with a message', () => {
    const cases: [string[], RegExp][] = [
      [['batch', path.join(ROOT, 'apps')], /needs --out/],
      [['batch', path.join(ROOT, 'apps'), '--out', path.join(tmp, 'u'), '--shard', '3/2'], /--shard 3\/2/],
      [['batch', path.join(ROOT, 'apps'), '--out', path.join(tmp, 'u'), '--runs', 'x'], /--runs must be a whole number/],
      [['batch', path.join(tmp, 'missing'), '--out', path.join(tmp, 'u')], /not found/],
      [['batch', 'merge', path.join(tmp, 'missing'), '--out', path.join(tmp, 'u')], /results folder not found/],
      [['batch', 'merge', tmp], /needs --out/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
