// The batch runner: discovery, sharding, summary maths, CSV escaping, resume and merge. The runs use
// the tiny apps of fixtures/batch/corpus with one measured run and no warm-up (about a second each).
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  csvField,
  discoverApps,
  geometricMean,
  mergeResults,
  naturalCompare,
  parseShard,
  readAppResult,
  runBatch,
  shardApps,
  summarizeRows,
  summaryLine,
  toCsv,
  type AppResultFile,
  type BatchProgress,
  type BatchRow,
} from '../../src/batch/index.js';
import { MeasureLock, pool } from '../../src/batch/lock.js';
import { batchExitCode } from '../../src/cli/batch.js';
import { progressPrinter } from '../../src/cli/batch-progress.js';
import { detectKind } from '../../src/report/html/inputs.js';

const CORPUS = path.resolve(__dirname, '../../fixtures/batch/corpus');
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-batch-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
const tmp = (name: string) => path.join(tmpRoot, name);

function row(app: string, extra: Partial<BatchRow> = {}, e2e?: [number, number]): BatchRow {
  const p = (b: number, a: number) => ({ before: b, after: a, ratio: Math.round((a / b) * 1000) / 1000 });
  return {
    app,
    status: 'ok',
    identical: true,
    fallbackLoads: [],
    notes: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    wallMs: 1,
    ...(e2e
      ? {
          cold: {
            event: 'e.json',
            runs: 3,
            handler: 'h.handler',
            init: p(e2e[0] - 10, e2e[1] - 10),
            firstInvoke: p(10, 10),
            e2e: p(e2e[0], e2e[1]),
            peakRssKb: p(1000, 900),
            failedRuns: { before: 0, after: 0 },
          },
        }
      : {}),
    ...extra,
  };
}

describe('discovery and shards', () => {
  it('orders names naturally and the same way everywhere', () => {
    const names = ['App10', 'App9t', 'App2', 'App9p', 'App1', 'App16JS', 'App3', 'b', 'App02'];
    expect([...names].sort(naturalCompare)).toEqual(['App1', 'App2', 'App02', 'App3', 'App9p', 'App9t', 'App10', 'App16JS', 'b']);
  });

  it('finds the sub-folders with a handler descriptor', async () => {
    expect(await discoverApps(CORPUS)).toEqual(['alpha', 'beta', 'broken', 'gamma']);
  });

  const shardCases: [string, { index: number; count: number } | string][] = [
    ['1/1', { index: 1, count: 1 }],
    ['2/4', { index: 2, count: 4 }],
    [' 3/3 ', { index: 3, count: 3 }],
    ['0/2', 'need 1 ≤ i ≤ n'],
    ['3/2', 'need 1 ≤ i ≤ n'],
    ['1/0', 'need 1 ≤ i ≤ n'],
    ['1-2', 'must look like i/n'],
    ['a/b', 'must look like i/n'],
    ['', 'must look like i/n'],
  ];
  it.each(shardCases)('parseShard(%j)', (text, want) => {
    if (typeof want === 'string') expect(() => parseShard(text)).toThrow(want);
    else expect(parseShard(text)).toEqual(want);
  });

  it('deals the sorted apps round-robin: every app in exactly one shard, whatever the input order', () => {
    const apps = ['App3', 'App1', 'App10', 'App2', 'App9p', 'App9t', 'App22'];
    expect(shardApps(apps, { index: 1, count: 3 })).toEqual(['App1', 'App9p', 'App22']);
    expect(shardApps(apps, { index: 2, count: 3 })).toEqual(['App2', 'App9t']);
    expect(shardApps(apps, { index: 3, count: 3 })).toEqual(['App3', 'App10']);
    for (const n of [1, 2, 3, 5, 7, 9]) {
      const all = Array.from({ length: n }, (_, i) => shardApps([...apps].reverse(), { index: i + 1, count: n })).flat();
      expect(all.sort(naturalCompare)).toEqual([...apps].sort(naturalCompare));
    }
    expect(shardApps(apps, undefined)).toEqual([...apps].sort(naturalCompare));
  });
});

describe('summary maths', () => {
  const gm: [number[], number | null][] = [
    [[], null],
    [[1, 1, 1], 1],
    [[2, 0.5], 1],
    [[4, 1], 2],
    [[0.5, 0.5, 0.5], 0.5],
    [[0.1, 10, 1], 1],
    [[2, 0], 0],
  ];
  it.each(gm)('geometric mean of %j is %s', (xs, want) => {
    const g = geometricMean(xs);
    if (want === null) expect(g).toBeNull();
    else expect(g).toBeCloseTo(want, 12);
  });

  it('refuses negative and non-finite ratios', () => {
    expect(() => geometricMean([1, -1])).toThrow(RangeError);
    expect(() => geometricMean([1, Infinity])).toThrow(RangeError);
    expect(() => geometricMean([NaN])).toThrow(RangeError);
  });

  it('summarises ok rows only, names the worst app and what is missing', () => {
    const rows = [
      row('A', {}, [200, 100]), // 0.5
      row('B', {}, [100, 200]), // 2
      row('C', {}, [100, 100]), // 1
      row('D', { status: 'differs', identical: false }, [100, 10]), // a faster wrong answer does not count
      row('E', { status: 'error', error: { phase: 'optimize', message: 'boom' }, identical: null }),
    ];
    const s = summarizeRows(rows, ['A', 'B', 'C', 'D', 'E', 'F']);
    expect(s).toMatchObject({ apps: 5, ok: 3, differs: 1, errors: 1, missing: ['F'], worst: { app: 'B', e2eRatio: 2 } });
    expect(s.e2e).toEqual({ n: 3, median: 1, geomean: 1 });
    expect(s.peakRss).toEqual({ n: 3, median: 0.9, geomean: 0.9 });
    const line = summaryLine(s);
    expect(line).toContain('5 apps: 3 ok, 1 differ, 1 error');
    expect(line).toContain('end-to-end cold start median 1.00, geomean 1.00');
    expect(line).toContain('worst: B (end-to-end ×2.00)');
    expect(line).toContain('missing: F');
    expect(summaryLine(summarizeRows([row('E', { status: 'error', identical: null })]))).toContain('no app measured');
  });
});

/** A small RFC 4180 reader, to check that what toCsv writes reads back field for field. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let rec: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') rec.push(f), (f = '');
    else if (c === '\r' && text[i + 1] === '\n') rec.push(f), out.push(rec), (rec = []), (f = ''), i++;
    else f += c;
  }
  return out;
}

describe('CSV', () => {
  const cases: [unknown, string][] = [
    ['plain', 'plain'],
    [42, '42'],
    [0.5, '0.5'],
    [null, ''],
    [undefined, ''],
    [true, 'true'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' padded', '" padded"'],
    ['trailing ', '"trailing "'],
    ['', ''],
  ];
  it.each(cases)('csvField(%j) = %j', (v, want) => expect(csvField(v)).toBe(want));

  it('writes one header and one record per row that read back exactly', () => {
    const tricky = 'Error: "x", then\nline 2, tab\t, pipe |';
    const rows = [row('A', {}, [200, 100]), row('B,with comma', { status: 'error', identical: null, error: { phase: 'optimize', message: tricky } })];
    const parsed = parseCsv(toCsv(rows));
    expect(parsed).toHaveLength(3);
    const header = parsed[0];
    for (const r of parsed) expect(r).toHaveLength(header.length);
    const b = Object.fromEntries(header.map((h, i) => [h, parsed[2][i]]));
    expect(b).toMatchObject({ app: 'B,with comma', status: 'error', error_phase: 'optimize', error: tricky, identical: '' });
    const a = Object.fromEntries(header.map((h, i) => [h, parsed[1][i]]));
    expect(a).toMatchObject({ e2e_ms_before: '200', e2e_ms_after: '100', e2e_ms_ratio: '0.5', identical: 'yes' });
  });
});

describe('progress display', () => {
  const events: BatchProgress[] = [
    { type: 'start', total: 2, toRun: 1, skipped: ['A'] },
    { type: 'done', app: 'A', row: row('A', {}, [200, 100]), skipped: true, finished: 1, total: 2 },
    { type: 'phase', app: 'B', phase: 'optimize' },
    { type: 'phase', app: 'B', phase: 'measure' },
    { type: 'measure-run', app: 'B', done: 1, total: 4 },
    {
      type: 'done',
      app: 'B',
      row: row('B', { status: 'error', identical: null, error: { phase: 'measure', message: 'spawn failed\nstack' } }),
      skipped: false,
      finished: 2,
      total: 2,
    },
  ];
  const render = (tty: boolean) => {
    let s = '';
    const p = progressPrinter((x) => (s += x), tty);
    for (const e of events) p(e);
    return s;
  };

  it('prints plain lines when stderr is not a terminal', () => {
    expect(render(false)).toBe(
      [
        'batch: 2 app(s), 1 to run, 1 done earlier (--force re-runs them)',
        '[1/2] A ok (done earlier): e2e 200 → 100 ms (×0.50)',
        'B: optimize + verify …',
        'B: measure …',
        '[2/2] B error: measure: spawn failed',
        '',
      ].join('\n'),
    );
  });

  it('keeps a status line under the finished lines on a terminal', () => {
    const s = render(true);
    expect(s).toContain('\r\x1b[K[1/2] B measure 1/4');
    expect(s).toContain('\r\x1b[K[2/2] B error: measure: spawn failed\n');
    expect(s.endsWith('\r\x1b[K')).toBe(true);
  });
});

describe('measurement lock', () => {
  it('never runs a measurement while an analysis runs, and runs analyses side by side', async () => {
    const lock = new MeasureLock();
    let shared = 0;
    let maxShared = 0;
    let exclusive = 0;
    const log: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const analysis = (i: number) =>
      lock.runShared(async () => {
        expect(exclusive).toBe(0);
        shared++;
        maxShared = Math.max(maxShared, shared);
        await sleep(5);
        shared--;
        log.push(`a${i}`);
      });
    const measurement = (i: number) =>
      lock.runExclusive(async () => {
        expect(shared).toBe(0);
        expect(exclusive).toBe(0);
        exclusive++;
        await sleep(5);
        exclusive--;
        log.push(`m${i}`);
      });
    await pool([0, 1, 2, 3, 4, 5], 3, async (i) => {
      await analysis(i);
      await measurement(i);
    });
    expect(maxShared).toBeGreaterThan(1);
    expect(log.filter((x) => x.startsWith('m'))).toHaveLength(6);
  });

  it('pool keeps input order and bounds concurrency', async () => {
    let inFlight = 0;
    let max = 0;
    const r = await pool([5, 1, 4, 2, 3], 2, async (x) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((res) => setTimeout(res, x));
      inFlight--;
      return x * 10;
    });
    expect(r).toEqual([50, 10, 40, 20, 30]);
    expect(max).toBe(2);
  });
});

describe('merge (hand-written shard folders)', () => {
  const write = (dir: string, r: AppResultFile, corpus?: string[]) => {
    fs.mkdirSync(path.join(dir, r.row.app), { recursive: true });
    fs.writeFileSync(path.join(dir, r.row.app, 'result.json'), JSON.stringify(r));
    if (corpus) fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ corpus, options: { runs: 3, warmup: 1, jobs: 2 } }));
  };
  const file = (r: BatchRow, runs = 3): AppResultFile => ({ version: 1, options: { runs, warmup: 1 }, row: r });

  it('combines rows in natural order, prefers a finished row over an error, names missing apps', async () => {
    const [s1, s2, out] = [tmp('m-s1'), tmp('m-s2'), tmp('m-out')];
    const corpus = ['App1', 'App2', 'App10', 'App3'];
    write(s1, file(row('App10', {}, [100, 50])), corpus);
    write(
      s1,
      file(row('App2', { status: 'error', identical: null, error: { phase: 'measure', message: 'x' }, startedAt: '2026-01-02T00:00:00.000Z' })),
      corpus,
    );
    write(s2, file(row('App2', {}, [100, 80])), corpus);
    write(s2, file(row('App1', {}, [100, 90]), 5), corpus);
    const r = await mergeResults([s1, s2], out);
    expect(r.rows.map((x) => [x.app, x.status])).toEqual([
      ['App1', 'ok'],
      ['App2', 'ok'],
      ['App10', 'ok'],
    ]);
    expect(r.summary.missing).toEqual(['App3']);
    expect(r.notes.join('\n')).toMatch(/App2 appears in more than one folder/);
    expect(r.notes.join('\n')).toMatch(/different settings/);
    expect(r.options).toMatchObject({ runs: 3, runsRange: [3, 5] });
    expect(fs.readFileSync(path.join(out, 'results.md'), 'utf8')).toContain('medians of 3–5 fresh instance(s)');
    expect(batchExitCode(r)).toBe(1);
    for (const f of ['results.json', 'results.csv', 'results.md']) expect(fs.existsSync(path.join(out, f))).toBe(true);
    expect((await readAppResult(path.join(out, 'App2', 'result.json')))?.row.status).toBe('ok');
    expect(fs.readFileSync(path.join(out, 'results.md'), 'utf8')).toContain('missing: App3');
  });

  it('rejects a folder that holds no results', async () => {
    fs.mkdirSync(tmp('empty'), { recursive: true });
    await expect(mergeResults([tmp('empty')], tmp('m-out2'))).rejects.toThrow(/holds no batch results/);
    await expect(mergeResults([tmp('nope')], tmp('m-out2'))).rejects.toThrow(/not found/);
  });
});

describe('runBatch on the fixture corpus', () => {
  const quick = { runs: 1, warmup: 0, jobs: 2 };

  it('runs every app, turns failures into rows, and resumes without redoing finished apps', async () => {
    const out = tmp('run');
    const events: BatchProgress[] = [];
    const r = await runBatch({ dir: CORPUS, out, ...quick, onProgress: (e) => events.push(e) });
    const by = Object.fromEntries(r.rows.map((x) => [x.app, x]));
    expect(r.rows.map((x) => x.app)).toEqual(['alpha', 'beta', 'broken', 'gamma']);
    expect(by.alpha).toMatchObject({ status: 'ok', identical: true, runtime: 'nodejs', events: ['a.json', 'b.json'] });
    expect(by.alpha.counts!.lazy).toBe(1);
    expect(by.alpha.counts!.stripped).toBeGreaterThan(0);
    expect(by.alpha.cold!.e2e.before).toBeGreaterThan(0);
    expect(by.alpha.cold!.peakRssKb.after).toBeGreaterThan(0);
    expect(by.alpha.cold!.event).toBe('a.json');
    // expected/b.json is deliberately stale (says shout: false): both sides disagree with it, which is drift, not a faaslight difference.
    expect(by.alpha.expected).toEqual({ checked: 2, optimizedMismatches: ['b.json'], originalMismatches: ['b.json'] });
    expect(by.alpha.notes.join()).toMatch(/original package itself differs from expected\/ for b\.json/);
    expect(by.beta).toMatchObject({ status: 'ok', expected: { checked: 1, optimizedMismatches: [], originalMismatches: [] } });
    expect(by.broken).toMatchObject({ status: 'error', error: { phase: 'optimize' } });
    expect(by.broken.error!.message).toMatch(/missing\.handler/);
    expect(by.gamma).toMatchObject({ status: 'error', error: { phase: 'verify' } });
    expect(by.gamma.error!.message).toMatch(/gamma cannot start/);
    expect(r.summary).toMatchObject({ apps: 4, ok: 2, errors: 2, differs: 0 });
    expect(batchExitCode(r)).toBe(1);
    expect(
      events
        .filter((e) => e.type === 'done')
        .map((e) => (e as { app: string }).app)
        .sort(),
    ).toEqual(['alpha', 'beta', 'broken', 'gamma']);
    for (const f of [
      'results.json',
      'results.csv',
      'results.md',
      'alpha/result.json',
      'alpha/optimize.json',
      'alpha/measure.json',
      'alpha/opt.zip',
      'alpha/opt/handler.js',
    ])
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    const written = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(written.rows).toHaveLength(4);
    // results.json is also an input of `faaslight report` (its flat batch shape).
    expect(detectKind(written)).toBe('faaslight.batch');
    expect(written.summary).toMatchObject({ medianRatio: r.summary.e2e.median, geomeanRatio: r.summary.e2e.geomean, failed: 2 });
    const alphaApp = written.apps.find((a: any) => a.app === 'alpha');
    expect(alphaApp).toMatchObject({
      runtime: 'nodejs',
      identical: true,
      ratio: by.alpha.cold!.e2e.ratio,
      e2eMs: { before: by.alpha.cold!.e2e.before, after: by.alpha.cold!.e2e.after },
    });
    expect(alphaApp.error).toBeUndefined();
    expect(written.apps.find((a: any) => a.app === 'broken').error).toMatch(/^optimize: .*missing\.handler/);

    // Resume: finished apps are kept as they are, error rows are retried.
    const alphaResult = fs.readFileSync(path.join(out, 'alpha', 'result.json'), 'utf8');
    const again: BatchProgress[] = [];
    const r2 = await runBatch({ dir: CORPUS, out, ...quick, onProgress: (e) => again.push(e) });
    expect(again[0]).toEqual({ type: 'start', total: 4, toRun: 2, skipped: ['alpha', 'beta'] });
    expect(fs.readFileSync(path.join(out, 'alpha', 'result.json'), 'utf8')).toBe(alphaResult);
    expect(r2.rows.find((x) => x.app === 'alpha')).toEqual(by.alpha);
    expect(r2.notes.join()).toMatch(/2 app\(s\) kept from an earlier run/);

    // Other measurement settings, or --force: run again.
    const started = (o: object) => {
      const ev: BatchProgress[] = [];
      return runBatch({ dir: CORPUS, out, ...quick, only: ['alpha'], ...o, onProgress: (e) => ev.push(e) }).then(() => ev[0]);
    };
    expect(await started({ force: true })).toMatchObject({ toRun: 1, skipped: [] });
    expect(await started({ runs: 2 })).toMatchObject({ toRun: 1, skipped: [] });
    expect(await started({ runs: 2 })).toMatchObject({ toRun: 0, skipped: ['alpha'] });
  }, 120_000);

  it('shards split the corpus and merge puts it back together', async () => {
    const [a, b, m] = [tmp('shard1'), tmp('shard2'), tmp('merged')];
    const r1 = await runBatch({ dir: CORPUS, out: a, ...quick, shard: parseShard('1/2') });
    const r2 = await runBatch({ dir: CORPUS, out: b, ...quick, shard: parseShard('2/2') });
    expect(r1.rows.map((x) => x.app)).toEqual(['alpha', 'broken']);
    expect(r2.rows.map((x) => x.app)).toEqual(['beta', 'gamma']);
    const partial = await mergeResults([a], m);
    expect(partial.summary.missing).toEqual(['beta', 'gamma']);
    const merged = await mergeResults([a, b], m);
    expect(merged.rows.map((x) => x.app)).toEqual(['alpha', 'beta', 'broken', 'gamma']);
    expect(merged.summary).toMatchObject({ apps: 4, ok: 2, errors: 2, missing: [] });
  }, 120_000);

  it('refuses bad input before running anything', async () => {
    await expect(runBatch({ dir: tmp('no-such-corpus'), out: tmp('x') })).rejects.toThrow(/not found/);
    await expect(runBatch({ dir: path.join(CORPUS, 'docs'), out: tmp('x') })).rejects.toThrow(/no apps under/);
    await expect(runBatch({ dir: CORPUS, out: path.join(CORPUS, 'alpha', 'results') })).rejects.toThrow(/inside the app alpha/);
    await expect(runBatch({ dir: CORPUS, out: CORPUS })).rejects.toThrow(/must not be the corpus folder/);
    await expect(runBatch({ dir: CORPUS, out: tmp('x'), only: ['zeta'] })).rejects.toThrow(/zeta/);
    await expect(runBatch({ dir: CORPUS, out: tmp('x'), runs: 0 })).rejects.toThrow(/--runs/);
  });
});
