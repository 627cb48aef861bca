// The HTML report in a real browser (Debian's chromium driven by playwright-core; no browser download):
// built from the fixtures of every result kind plus a real optimize --verify and measure --profile run
// on fixtures/report/app. Checks no console errors, no network requests, every chart drawn, sorting,
// filtering, a narrow screen and print; saves screenshots under test-output/report/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cleanEnv } from '../../src/util/env.js';
import { skipWithout } from '../prereq.js';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'fixtures/report');
const APP = path.join(FIX, 'app');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-output/report');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/faaslight.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(skipWithout(fs.existsSync(CHROMIUM), `${CHROMIUM} for the report browser test (installed with apt)`))('HTML report in Chromium', () => {
  let tmp: string;
  let report: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-report-'));
    // A real run: optimize with verification (which writes its own report next to the output) …
    const opt = cli([
      'optimize',
      APP,
      '--handler',
      'handler.handler',
      '--out',
      path.join(tmp, 'app.opt'),
      '--verify',
      path.join(APP, 'events/*.json'),
      '--json',
    ]);
    expect(opt.code, opt.stderr).toBe(0);
    fs.writeFileSync(path.join(tmp, 'optimize.json'), opt.stdout);
    expect(opt.stderr).toContain(`report: ${path.join(tmp, 'app.opt.report.html')}`);
    // … and measure original vs optimized with the init-time profile, the event read from a folder whose
    // name has no break opportunity: the report prints the event's path, and a clone at a deep path must
    // still fit a phone screen (a 74-character clone path made the page 774 px wide).
    const deep = path.join(tmp, 'deepclonepath'.repeat(6));
    fs.mkdirSync(deep);
    fs.copyFileSync(path.join(APP, 'events/fifty.json'), path.join(deep, 'fifty.json'));
    const m = cli([
      'measure',
      APP,
      '--vs',
      path.join(tmp, 'app.opt'),
      '--handler',
      'handler.handler',
      '--event',
      path.join(deep, 'fifty.json'),
      '--runs',
      '4',
      '--profile',
      '--json',
      '--quiet',
    ]);
    expect(m.code, m.stderr).toBe(0);
    fs.writeFileSync(path.join(tmp, 'measure.json'), m.stdout);

    report = path.join(tmp, 'report.html');
    const inputs = ['batch.json', 'compare.json', 'invoke.json', 'model.json'].map((f) => path.join(FIX, f));
    const r = cli(['report', ...inputs, path.join(tmp, 'optimize.json'), path.join(tmp, 'measure.json'), '--out', report]);
    expect(r.code, r.stderr).toBe(0);

    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') consoleErrors.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (req) => requests.push(`failed: ${req.url()}`));
    // Anything but the report file itself is a network request the page must not make.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `file://${report}`) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(`file://${report}`);
    await page.waitForFunction(
      () => document.querySelectorAll('.plot[data-drawn]').length === JSON.parse(document.getElementById('faaslight-charts')!.textContent!).length,
      null,
      { timeout: 15_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens without console errors or network requests, with every section', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    const sections = await page.$$eval('main > section', (els) => els.map((e) => e.id));
    expect(sections).toEqual(['overview', 'distributions', 'attribution', 'plan', 'compare', 'workload', 'cloud']);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'report.png'), fullPage: true });
  });

  it('draws every chart: a non-empty SVG in each figure', async () => {
    const charts = await page.$$eval('.plot', (els) =>
      els.map((el) => ({
        id: el.id,
        svgs: el.querySelectorAll('svg').length,
        // Bars, boxes, lines and dots Plot drew (legend swatches left out).
        shapes: el.querySelectorAll('svg[class^="plot"] rect, svg[class^="plot"] path, svg[class^="plot"] line').length,
      })),
    );
    // overview 2 (cold start, zip) + measure 2 (e2e, init) + invoke 3 (init per memory size) + flame 1 + compare 1 + model 2 + cloud 1
    expect(charts.length).toBe(12);
    for (const c of charts) {
      expect(c.svgs, c.id).toBeGreaterThan(0);
      expect(c.shapes, c.id).toBeGreaterThan(2);
    }
    // The overview bars: one per app that was measured, before and after (8 apps × 2).
    expect(await page.$$eval('#overview-1-coldstart svg[class^="plot"] g[aria-label="bar"] rect', (r) => r.length)).toBe(16);
  });

  it('sorts a table by a column, both ways, and says so to assistive tech', async () => {
    const ratios = () => page.$$eval('#overview-1-table tbody tr', (rows) => rows.map((r) => (r.cells[10] as HTMLElement).dataset.sort ?? ''));
    const apps = () => page.$$eval('#overview-1-table tbody tr', (rows) => rows.map((r) => r.cells[0].textContent));
    const nums = (xs: string[]) => xs.filter((x) => x !== '').map(Number);
    await page.click('#overview-1-table thead button:text("Ratio")');
    const asc = await ratios();
    expect(nums(asc)).toEqual([...nums(asc)].sort((a, b) => a - b));
    expect(asc[asc.length - 1]).toBe(''); // the failed app (no ratio) goes last
    expect(await page.getAttribute('#overview-1-table thead th:nth-child(11)', 'aria-sort')).toBe('ascending');
    expect((await apps())[0]).toBe('App26JS');
    await page.click('#overview-1-table thead button:text("Ratio")');
    const desc = await ratios();
    expect(nums(desc)).toEqual([...nums(desc)].sort((a, b) => b - a));
    expect(await page.getAttribute('#overview-1-table thead th:nth-child(11)', 'aria-sort')).toBe('descending');
    await page.click('#overview-1-table thead button:text("App")');
    expect(await apps()).toEqual(['App1', 'App3', 'App9p', 'App13', 'App17', 'App23JS', 'App24JS', 'App25JS', 'App26JS']);
  });

  it("filters the optimizer's plan by decision and by text", async () => {
    const visible = () =>
      page.$$eval('#plan-1-table tbody tr', (rows) => rows.filter((r) => !r.hidden).map((r) => `${r.dataset.decision} ${r.cells[1].textContent}`));
    const all = await visible();
    // Lazy first, then eager, then stripped (app JSON such as events/*.json is never stripped).
    expect(all).toEqual(['lazy handler.js:4', 'eager handler.js:3', 'eager lib/primes.js:3', 'stripped lib/unused.js']);
    await page.selectOption('select[data-table="plan-1-table"]', 'lazy');
    expect(await visible()).toEqual(['lazy handler.js:4']);
    expect(await page.textContent('#plan-1-table-count')).toBe('1 of 4 shown');
    await page.selectOption('select[data-table="plan-1-table"]', '');
    await page.fill('input[data-table="plan-1-table"]', 'unused');
    expect(await visible()).toEqual(['stripped lib/unused.js']);
    await page.fill('input[data-table="plan-1-table"]', '');
    expect(await visible()).toEqual(all);
  });

  it('works at a phone width (charts redrawn to fit, no page-wide horizontal scroll) and hides the controls in print', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.plot')].every((el) => Number(el.dataset.drawn) <= 390));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, 'report-narrow.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('.filters')).toBe(false);
    expect(await page.isVisible('#overview-1-table')).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });
});
