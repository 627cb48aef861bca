// The Python apps of the corpus (apps/README-python.md).
// - Structure, for every Python app, without vendored packages: manifest (a pinned requirements.txt, or
//   debian-packages.txt for the apps PyPI cannot serve at a sane size), handler, events, expected outputs.
// - The pip layout of a set-up app (App3, App13): what `pip install -t` leaves, RECORD by RECORD.
// - A fast slice (App3, App13) run for real when vendored (node scripts/corpus/python.mjs --only App3,App13):
//   each event in a fresh `python3 -S` process must give expected/<event>.json, twice in a row, and each
//   rarer event must import a module the common event does not.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipWithout } from '../prereq.js';
// @ts-expect-error plain ESM script without type declarations
import { COMMON_EVENT, handlerOf } from '../../scripts/corpus/python-expected.mjs';
// @ts-expect-error plain ESM script without type declarations
import { layoutFor, PYTHON_APPS, readPackageList, readRequirements } from '../../scripts/corpus/python.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAST = ['App3', 'App13'];
const vendored = (app: string) => fs.existsSync(path.join(ROOT, 'apps', app, '.faaslight-vendor.json'));

describe('Python corpus apps: structure', () => {
  it('lists the 19 Python apps of the brief', () => {
    expect(PYTHON_APPS).toHaveLength(19);
  });

  for (const app of PYTHON_APPS as string[]) {
    it(`${app}: manifest, handler, 2–4 events with expected outputs`, () => {
      const dir = path.join(ROOT, 'apps', app);
      const reqs: string[] = readRequirements(dir);
      const pkgs: string[] = readPackageList(dir);
      expect(reqs.length + pkgs.length).toBeGreaterThan(0);
      // Every distribution pinned, dependencies included: the same tree on every machine.
      for (const r of reqs) expect(r).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][A-Za-z0-9.+!-]*$/);
      for (const p of pkgs) expect(p).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
      // The default layout is pip wherever there is a requirements.txt.
      expect(layoutFor(dir, 'pip')).toBe(reqs.length ? 'pip' : 'debian');
      const yml = fs.readFileSync(path.join(dir, 'serverless.yml'), 'utf8');
      expect(yml).toMatch(/runtime: python3\.11/);
      const handler: string = handlerOf(dir);
      const [mod, fn] = [handler.slice(0, handler.lastIndexOf('.')), handler.slice(handler.lastIndexOf('.') + 1)];
      const src = fs.readFileSync(path.join(dir, `${mod.replace(/\./g, '/')}.py`), 'utf8');
      expect(src).toMatch(new RegExp(`^def ${fn}\\(event, context\\):`, 'm'));
      const events = fs.readdirSync(path.join(dir, 'events')).filter((f) => f.endsWith('.json'));
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(events.length).toBeLessThanOrEqual(4);
      expect(events).toContain(`${COMMON_EVENT[app]}.json`);
      for (const ev of events) {
        const event = JSON.parse(fs.readFileSync(path.join(dir, 'events', ev), 'utf8'));
        // Offline: no committed event asks for S3, a URL or a live API.
        expect(event.s3 ?? event.url ?? event.live).toBeUndefined();
        const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected', ev), 'utf8'));
        expect(expected.ok).toBe(true);
      }
      // Generated files are never committed: the .gitignore keeps only the app's own files.
      expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^\/\*$/m);
    });
  }
});

const stampOf = (app: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'apps', app, '.faaslight-vendor.json'), 'utf8'));
const pipApps = FAST.filter((a) => vendored(a) && stampOf(a).layout === 'pip');

describe('Python corpus apps: pip layout', () => {
  it('App12 and App15 are the only apps without a requirements.txt (torch), App10 the only one without Debian packages (lightgbm)', () => {
    const noReq = (PYTHON_APPS as string[]).filter((a) => !readRequirements(path.join(ROOT, 'apps', a)).length);
    const noDeb = (PYTHON_APPS as string[]).filter((a) => !readPackageList(path.join(ROOT, 'apps', a)).length);
    expect([noReq, noDeb]).toEqual([['App12', 'App15'], ['App10']]);
  });

  for (const app of pipApps) {
    it(`${app}: every pinned distribution installed, each file of each RECORD present, numpy's bundled libraries in numpy.libs/`, () => {
      const dir = path.join(ROOT, 'apps', app);
      const stamp = stampOf(app);
      const norm = (r: string) => r.toLowerCase().replace(/[-_.]+/g, '-');
      expect(stamp.packages.map(norm).sort()).toEqual(readRequirements(dir).map(norm).sort());
      const infos = fs.readdirSync(dir).filter((e) => e.endsWith('.dist-info'));
      expect(infos).toHaveLength(stamp.packages.length);
      for (const info of infos) {
        const record = fs
          .readFileSync(path.join(dir, info, 'RECORD'), 'utf8')
          .trim()
          .split('\n');
        for (const line of record) {
          const file = line.slice(0, line.indexOf(','));
          // pip lists the .pyc it compiled too; a RECORD path may climb out of the target (scripts in ../../bin).
          if (!file.startsWith('..')) expect(fs.existsSync(path.join(dir, file)), `${info}: ${file}`).toBe(true);
        }
      }
      const libs = fs.readdirSync(path.join(dir, 'numpy.libs'));
      expect(
        libs.some((f) => /^libscipy_openblas64_.*\.so$/.test(f) || /^libopenblas.*\.so$/.test(f)),
        libs.join(', '),
      ).toBe(true);
      expect(stamp.python.version).toMatch(/^3\.11\./);
    });
  }
});

const missing = FAST.filter((a) => !vendored(a));
describe('Python corpus apps: fast slice (App3, App13)', () => {
  const skip = skipWithout(missing.length === 0, `Python corpus apps ${missing.join(', ')} vendored (node scripts/corpus/python.mjs --only ${FAST.join(',')})`);
  it.skipIf(skip)(
    'outputs match expected/, are stable, and rare events load extra modules',
    () => {
      const r = spawnSync(process.execPath, ['scripts/corpus/python-expected.mjs', '--only', FAST.join(','), '--check'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 170_000,
      });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/2 apps, 0 problems/);
    },
    180_000,
  );
});
