// pip's wheel layout through the whole pipeline, on App3 built from PyPI (pandas 2, numpy 2, pytz,
// tzdata, python-dateutil: scripts/corpus/python.mjs, default layout). A probe handler exercises what
// the Debian layout never had: the shared objects numpy's wheel bundles in numpy.libs/, importlib.metadata
// lookups and entry points read from *.dist-info, pkgutil enumeration, and tzdata's zone files read
// through importlib.resources. Those zone files are never reached by the import graph, so they are
// stripped; the fallback finder brings them back when zoneinfo asks for them.
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OptimizeSummary } from '../../src/report/summary.js';
import { cleanupTmp, tmpDir } from '../python/helpers.js';
import { copyApp, invoke, optimizeJson, ROOT, vendored } from './python-helpers.js';

const PROBE = `import importlib.metadata
import pkgutil

import pandas


def handler(event, context):
    what = event.get("what")
    if what == "metadata":
        dist = importlib.metadata.distribution("pandas")
        return {
            "versions": {n: importlib.metadata.version(n) for n in ("numpy", "pandas", "pytz", "tzdata")},
            "pandas_files": len(dist.files),
            "console_scripts": sorted(e.name for e in importlib.metadata.entry_points(group="console_scripts")),
        }
    if what == "pkgutil":
        import pandas.io

        return {
            "pandas.io": sorted(m.name for m in pkgutil.iter_modules(pandas.io.__path__)),
            "pandas": sorted(m.name for m in pkgutil.iter_modules(pandas.__path__)),
        }
    if what == "libs":
        import os

        import numpy

        maps = open("/proc/self/maps").read()
        return {"sum": float(numpy.ones(4).sum()), "libs": sorted({os.path.basename(l.split()[-1]) for l in maps.splitlines() if "/numpy.libs/" in l})}
    if what == "tz":
        import datetime
        import zoneinfo
        from importlib import resources  # not \`import importlib.resources\`: that would make importlib local here

        zoneinfo.reset_tzpath([])  # the tzdata package only, never the system's /usr/share/zoneinfo
        return {
            "fiji": str(zoneinfo.ZoneInfo("Pacific/Fiji").utcoffset(datetime.datetime(2020, 1, 1))),
            "cet_bytes": len(resources.files("tzdata.zoneinfo").joinpath("CET").read_bytes()),
        }
    return None
`;

const stamp = vendored('App3') ? JSON.parse(fs.readFileSync(path.join(ROOT, 'apps/App3/.faaslight-vendor.json'), 'utf8')) : undefined;
const WHEEL = stamp?.layout === 'pip';
if (stamp && !WHEEL) console.warn('python e2e: App3 is in the Debian layout; the wheel-layout tests skip (node scripts/corpus/python.mjs --only App3)');
const EVENTS = ['libs', 'metadata', 'pkgutil', 'tz'];

describe.skipIf(!WHEEL)('optimize App3 built from PyPI wheels, with a probe of the wheel layout', () => {
  let base: string;
  let app: string;
  let out: string;
  let events: string;
  let s: OptimizeSummary;
  beforeAll(async () => {
    base = await tmpDir('e2e-wheels');
    app = await copyApp('App3', path.join(base, 'App3'));
    await fsp.writeFile(path.join(app, 'probe.py'), PROBE);
    events = path.join(base, 'events');
    await fsp.mkdir(events);
    for (const e of EVENTS) await fsp.writeFile(path.join(events, `${e}.json`), JSON.stringify({ what: e }));
    out = path.join(base, 'App3.opt');
    s = await optimizeJson([app, '--handler', 'probe.handler', '--out', out, '--verify', path.join(events, '*.json')]);
  }, 600_000);

  test('every event gives the same outcome before and after; only the zone files come from the fallback store', () => {
    expect(s.verify!.events.map((e) => [e.event, e.identical])).toEqual(EVENTS.map((e) => [`${e}.json`, true]));
    const loads = Object.fromEntries(s.verify!.events.map((e) => [e.event, e.fallbackLoads]));
    expect([loads['libs.json'], loads['metadata.json'], loads['pkgutil.json']]).toEqual([[], [], []]);
    expect(loads['tz.json']).toEqual(expect.arrayContaining(['tzdata/zoneinfo/Pacific/Fiji', 'tzdata/zoneinfo/CET']));
    expect(fs.existsSync(path.join(out, 'tzdata/zoneinfo/CET'))).toBe(false);
  });

  test('metadata of every distribution stays, and lookups through it answer as in the original', () => {
    for (const info of fs.readdirSync(app).filter((e) => e.endsWith('.dist-info'))) {
      for (const f of ['METADATA', 'RECORD']) expect(fs.existsSync(path.join(out, info, f)), `${info}/${f}`).toBe(true);
    }
    const mirror = path.join(base, 'mirror-metadata');
    const r = invoke(out, 'probe.handler', path.join(events, 'metadata.json'), base, { FAASLIGHT_FALLBACK_DIR: mirror });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    const pins = Object.fromEntries((stamp.packages as string[]).map((p) => p.split('==')));
    expect(r.output).toMatchObject({
      versions: { numpy: pins.numpy, pandas: pins.pandas, pytz: pins.pytz, tzdata: pins.tzdata },
      console_scripts: ['f2py', 'numpy-config'],
    });
  }, 120_000);

  test("numpy's bundled shared objects stay in numpy.libs/ and are the ones loaded", () => {
    expect(fs.readdirSync(path.join(out, 'numpy.libs')).sort()).toEqual(fs.readdirSync(path.join(app, 'numpy.libs')).sort());
    const r = invoke(out, 'probe.handler', path.join(events, 'libs.json'), base, { FAASLIGHT_FALLBACK_DIR: path.join(base, 'mirror-libs') });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    const libs = (r.output as { libs: string[] }).libs;
    expect(
      libs.some((l) => /^libscipy_openblas64_.*\.so$/.test(l)),
      libs.join(', '),
    ).toBe(true);
    expect(libs.every((l) => fs.existsSync(path.join(out, 'numpy.libs', l)))).toBe(true);
  }, 120_000);

  test('zoneinfo reads a stripped zone file through importlib.resources, restored by the fallback finder', () => {
    const mirror = path.join(base, 'mirror-tz');
    const r = invoke(out, 'probe.handler', path.join(events, 'tz.json'), base, { FAASLIGHT_FALLBACK_DIR: mirror });
    expect(r.output).toEqual({ fiji: '13:00:00', cet_bytes: fs.statSync(path.join(app, 'tzdata/zoneinfo/CET')).size });
    expect(r.stderr).toContain('faaslight: fallback load tzdata/zoneinfo/Pacific/Fiji');
  }, 120_000);
});

afterAll(cleanupTmp);
