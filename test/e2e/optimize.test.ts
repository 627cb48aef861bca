// End to end: the CLI on real packages with real npm dependencies (corpus apps installed by
// scripts/test-setup.mjs), comparing handler outputs before and after on every event.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv } from '../../src/util/env.js';
import { skipWithout } from '../prereq.js';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/faaslight.js');
// [app, lazy bindings at least, events on which a lazy module must really load while the handler runs]
// App24JS builds its AWS SDK clients at module scope: they become lazy values, so each event loads only
// the SDK it uses. App25JS imports a dual ESM/CJS package with a synchronous use: it correctly stays
// eager on nodejs20.x and gains from stripping alone.
const APPS: [string, number, string[]][] = [
  ['App18JS', 3, ['saturday.json']], // cheerio 0.22 + moment-timezone + request
  ['App23JS', 2, ['newsletter-signup-v2.json']], // express + serverless-http, lodash, validator
  ['App24JS', 4, ['daily-report.json', 'place-order.json']], // @aws-sdk/client-dynamodb + lib-dynamodb + client-s3
  ['App25JS', 0, []], // ESM: nunjucks, luxon, zod
  ['App26JS', 2, ['book-saturday.json']], // tsc output: ajv, date-fns, uuid
];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile())
        h.update(path.relative(dir, p))
          .update(fs.readFileSync(p))
          .update(String(fs.statSync(p).mode));
    }
  };
  walk(dir);
  return h.digest('hex');
}

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

for (const [app, minLazy, lazyEvents] of APPS) {
  const dir = path.join(ROOT, 'apps', app);
  const installed = fs.existsSync(path.join(dir, 'node_modules'));
  describe.skipIf(skipWithout(installed, `${app} installed`))(`optimize ${app} (real npm dependencies)`, () => {
    it('verifies identical outputs on every event, loads lazy modules for real, strips, and leaves the input untouched', () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `fl-e2e-${app}-`));
      const before = treeHash(dir);
      const r = cli(['optimize', dir, '--out', path.join(tmp, 'a.opt'), '--verify', path.join(dir, 'events/*.json'), '--json']);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(s.verify.ok).toBe(true);
      expect(s.verify.events.length).toBeGreaterThanOrEqual(2);
      expect(s.verify.events.every((e: any) => e.identical)).toBe(true);
      expect(s.counts.lazy).toBeGreaterThanOrEqual(minLazy);
      for (const ev of lazyEvents) expect(s.verify.events.find((e: any) => e.event === ev)?.lazyLoads.length, ev).toBeGreaterThan(0);
      if (app === 'App24JS') {
        expect(s.lazyValues.filter((v: any) => v.applied && v.file === 'handler.js').map((v: any) => v.name)).toEqual(['ddb', 'docClient', 's3']);
        // The stream summary needs util-dynamodb only: neither client is built.
        expect(s.verify.events.find((e: any) => e.event === 'stream-update.json').lazyLoads).toEqual(['handler.js:@aws-sdk/util-dynamodb']);
        // Built-ins: the handler's crypto (not needed by the stream event), and https in the SDK's HTTP handler
        // (used only when a request is sent), required at first use; the SDK file is rewritten in the output.
        const builtins = Object.fromEntries(s.deferredBuiltins.map((b: any) => [b.builtin, b.sites.map((x: any) => x.file)]));
        expect(builtins.crypto).toContain('handler.js');
        const httpHandler = 'node_modules/@smithy/node-http-handler/dist-cjs/index.js';
        expect(builtins.https).toEqual([httpHandler]);
        // http2 too: its `const { constants } = http2` at module scope is read at first use.
        expect(builtins.http2).toEqual([httpHandler]);
        expect(s.lazyValues.filter((v: any) => v.file === httpHandler).map((v: any) => [v.name, v.applied])).toEqual([['{ constants }', true]]);
        const written = fs.readFileSync(path.join(tmp, 'a.opt', httpHandler), 'utf8');
        expect(written).toMatch(/faaslight: lazy require\("node:https"\)/);
        expect(written).toMatch(/faaslight: lazy value \{ constants \}/);
      }
      expect(s.counts.stripped).toBeGreaterThan(0);
      expect(s.package.after.files).toBeLessThan(s.package.before.files);
      if (minLazy > 0) expect(s.initFiles.after).toBeLessThan(s.initFiles.before);
      expect(treeHash(dir)).toBe(before);

      // Same input → byte-identical zip.
      const r2 = cli(['optimize', dir, '--out', path.join(tmp, 'b.opt'), '--json']);
      expect(r2.code, r2.stderr).toBe(0);
      expect(sha(path.join(tmp, 'b.opt.zip'))).toBe(sha(path.join(tmp, 'a.opt.zip')));

      // Force a fallback load: require a stripped JS file from the optimized handler's context.
      const strippedJs = (JSON.parse(cli(['analyze', dir, '--json']).stdout).plan.files as any[]).find(
        (f) => f.decision === 'strip' && f.file.endsWith('.js') && f.file.includes('node_modules/'),
      );
      if (strippedJs) {
        const handlerFile = path.join(tmp, 'a.opt', s.app.handlers[0].file);
        const script =
          `const m=require('node:module');` +
          (handlerFile.endsWith('.mjs') || fs.readFileSync(handlerFile, 'utf8').includes('import ') ? '' : `require(${JSON.stringify(handlerFile)});`) +
          `require(${JSON.stringify(path.join(tmp, 'a.opt/.faaslight/shim.cjs'))});` +
          `m.createRequire(${JSON.stringify(handlerFile)})(${JSON.stringify(path.join(tmp, 'a.opt', strippedJs.file))});console.log('loaded')`;
        const f = spawnSync(process.execPath, ['-e', script], {
          cwd: path.join(tmp, 'a.opt'),
          encoding: 'utf8',
          env: cleanEnv({ FAASLIGHT_FALLBACK_DIR: path.join(tmp, 'mirror') }),
        });
        expect(f.stdout).toContain('loaded');
        expect(f.stderr).toContain(`faaslight: fallback load ${strippedJs.file}`);
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    }, 240_000);
  });
}

describe('optimize --measure', () => {
  it('measures the original and the optimized package in fresh processes and reports both', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-e2e-measure-'));
    const tiny = path.join(ROOT, 'fixtures/e2e/tiny');
    const r = cli([
      'optimize',
      tiny,
      '--handler',
      'handler.handler',
      '--out',
      path.join(tmp, 'o'),
      '--verify',
      path.join(tiny, 'events/*.json'),
      '--measure',
      '2',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout).measure;
    expect(m.runs).toBe(2);
    expect(m.packages.map((p: any) => p.samples.filter((x: any) => !x.error).length)).toEqual([2, 2]);
    expect(m.identicalOutputs).toBe(true);
    expect(m.comparison.interval.ratio).toBeGreaterThan(0);
    expect(cli(['optimize', tiny, '--handler', 'handler.handler', '--out', path.join(tmp, 'p'), '--measure', 'many']).code).toBe(2);
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);
});

describe('CLI bad input', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['missing folder', ['optimize', '/nonexistent/app'], 2, /app folder not found/],
    ['misspelled handler', ['analyze', path.join(ROOT, 'fixtures/e2e/tiny'), '--handler', 'hander.handler'], 2, /hander/],
    ['output inside input', ['optimize', path.join(ROOT, 'fixtures/e2e/tiny'), '--out', path.join(ROOT, 'fixtures/e2e/tiny/out')], 2, /inside the input/],
    ['unknown option', ['optimize', '--bogus'], 2, /unknown option/],
  ];
  for (const [name, args, code, msg] of cases) {
    it(name, () => {
      const r = cli(args);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/internal error/);
    });
  }
  it('a handler that throws at init fails verification with exit 1 and names the event', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-e2e-bad-'));
    const r = cli([
      'optimize',
      path.join(ROOT, 'fixtures/e2e/throws-at-init'),
      '--out',
      path.join(tmp, 'o'),
      '--verify',
      path.join(ROOT, 'fixtures/e2e/throws-at-init/events/*.json'),
    ]);
    // Both sides fail the same way, but a package whose handler cannot initialise is not a success.
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/throws at init.*any\.json|any\.json.*throws at init/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
