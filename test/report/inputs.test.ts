// The report's input side: kinds told by `kind` or by shape, bad files refused with the file named,
// and which sections each kind of result produces (no browser needed).
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildReport, detectKind, toInput } from '../../src/report/html/index.js';
import { cleanEnv } from '../../src/util/env.js';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'fixtures/report');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(FIX, f), 'utf8'));

describe('detectKind', () => {
  it.each([
    ['batch.json', 'faaslight.batch'],
    ['compare.json', 'faaslight.compare'],
    ['invoke.json', 'faaslight.invoke'],
    ['model.json', 'faaslight.model'],
  ])('%s → %s', (file, kind) => expect(detectKind(read(file))).toBe(kind));

  it.each([
    ['an optimize summary written before `kind`', { app: { root: '/a' }, counts: {}, initFiles: {} }, 'faaslight.optimize'],
    ['a measure result written before `kind`', { version: 1, platform: 'aws', runs: 3, packages: [] }, 'faaslight.measure'],
    ['a measure result with its kind', { kind: 'faaslight.measure', version: 1, platform: 'aws', runs: 3, packages: [] }, 'faaslight.measure'],
    ['an array', [], { error: 'not a JSON object' }],
    ['an unknown kind', { kind: 'faaslight.other' }, { error: expect.stringContaining('unknown kind "faaslight.other"') }],
    ['a batch without apps', { kind: 'faaslight.batch', version: 1 }, { error: 'faaslight.batch without apps' }],
    ['some other JSON', { hello: 1 }, { error: expect.stringContaining('no "kind" field') }],
  ])('%s', (_, value, expected) => expect(detectKind(value)).toEqual(expected));
});

describe('sections per kind', () => {
  const sections = (html: string) => [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
  it.each([
    ['batch.json', ['overview']],
    ['compare.json', ['compare']],
    ['invoke.json', ['distributions', 'cloud']],
    ['model.json', ['workload']],
  ])('%s → %j', (file, expected) => {
    const html = buildReport([toInput(file, read(file))]);
    expect(sections(html)).toEqual(expected);
    // Each figure is described by a table on the page.
    for (const m of html.matchAll(/aria-describedby="([^"]+)"/g)) expect(html).toContain(`<table id="${m[1]}"`);
  });

  it('escapes what it embeds: a name cannot close the script element or inject markup', () => {
    const batch = read('batch.json');
    batch.apps[0].app = '</script><img src=x onerror=alert(1)>';
    const html = buildReport([toInput('b.json', batch)]);
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<\/script>/g)?.length).toBe(2);
  });
});

describe('faaslight report (CLI)', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/faaslight.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-report-cli-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('refuses a file that is not a result (exit 2, file named) and a missing file', () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{"hello":1}');
    const r = cli(['report', bad, '--out', path.join(tmp, 'r.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}: not a faaslight result`);
    const m = cli(['report', path.join(tmp, 'missing.json'), '--out', path.join(tmp, 'r.html')]);
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(/cannot read .*missing\.json: ENOENT/);
    expect(fs.existsSync(path.join(tmp, 'r.html'))).toBe(false);
  });

  it('optimize --verify --no-report writes no report (the default writes <out>.report.html: see browser.test.ts)', () => {
    const app = path.join(FIX, 'app');
    const r = cli([
      'optimize',
      app,
      '--handler',
      'handler.handler',
      '--out',
      path.join(tmp, 'n.opt'),
      '--verify',
      path.join(app, 'events/*.json'),
      '--no-report',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('report:');
    expect(fs.existsSync(path.join(tmp, 'n.opt'))).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'n.opt.report.html'))).toBe(false);
  });

  it('writes one self-contained file', () => {
    const out = path.join(tmp, 'r.html');
    const r = cli(['report', path.join(FIX, 'batch.json'), path.join(FIX, 'model.json'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^report: .*r\.html \(\d+(\.\d)? KiB\) from batch, model\n$/);
    const html = fs.readFileSync(out, 'utf8');
    // Nothing loaded from elsewhere: no src/href to another resource, and a CSP that forbids it.
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).toContain("default-src 'none'");
  });
});

describe('compare results as src/compare writes them', () => {
  it("reads { name, built, works, files, e2eMs, samples } variants as the report's variants", () => {
    const summary = (median: number) => ({ n: 2, min: median, median, p90: median, max: median, mean: median });
    const variant = (name: string, label: string, e2e: number, extra: object = {}) => ({
      name,
      label,
      built: true,
      identical: 1,
      differing: [],
      works: true,
      files: 10,
      bytes: 1000,
      e2eMs: summary(e2e),
      initMs: summary(e2e - 5),
      failedRuns: 0,
      outputMismatches: 0,
      samples: [
        { run: 0, e2eMs: e2e, initMs: e2e - 5, durationMs: 5 },
        { run: 1, e2eMs: e2e, initMs: e2e - 5, durationMs: 5 },
      ],
      ...extra,
    });
    const result = {
      kind: 'faaslight.compare',
      version: 1,
      app: 'apps/AppX',
      handler: 'h.handler',
      nodeVersion: '20.0.0',
      events: ['e.json'],
      runs: 2,
      warmup: 0,
      lazyImports: 1,
      variants: [
        variant('original', '(a) original', 200),
        variant('esbuild', '(b) esbuild', 150, { built: false, buildError: 'cannot bundle x.node', works: false, samples: [] }),
        variant('bundle', '(d) faaslight --bundle', 80),
      ],
      best: 'original',
      bundleVsBest: 0.4,
      notes: [],
      machine: { cpus: 2, node: '20' },
      wallMs: 1,
    };
    const input = toInput('c.json', result);
    expect((input.data as any).variants.map((v: any) => [v.id, v.identical, v.error ?? null, v.summary.e2eMs?.median ?? null])).toEqual([
      ['original', true, null, 200],
      ['esbuild', null, 'cannot bundle x.node', 150],
      ['bundle', true, null, 80],
    ]);
    const html = buildReport([input]);
    expect(html).toContain('(d) faaslight --bundle');
    expect(html).toContain('cannot bundle x.node');
  });
});
