#!/usr/bin/env node
// Runs `faaslight compare` on the corpus Node apps and summarises: per app the median end-to-end cold
// start of each variant, whether (d) gives identical outputs on every event, (d)/best-of-(a,b), and the
// geometric mean of that ratio over the apps whose handler leaves some dependency unused at init.
//   node scripts/compare-corpus.mjs [--only App23JS,App24JS] [--runs 12] [--out results/compare] [--extra bundle-minify]
//   node scripts/compare-corpus.mjs --summarize results/compare   (the table again from the JSON files there)
// Needs `npm run build` and `node scripts/corpus-setup.mjs --node-only` first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APPS = ['App16JS', 'App17JS', 'App18JS', 'App19JS', 'App23JS', 'App24JS', 'App25JS', 'App26JS', 'App27JS', 'App28JS', 'App29JS'];

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const only = opt('--only')?.split(',');
const runs = opt('--runs', '12');
const summarizeOnly = opt('--summarize');
const outDir = path.resolve(summarizeOnly ?? opt('--out', 'results/compare'));
const extra = args.flatMap((a, i) => (a === '--extra' ? ['--extra', args[i + 1]] : []));
fs.mkdirSync(outDir, { recursive: true });

const results = [];
for (const app of APPS.filter((a) => !only || only.includes(a))) {
  const dir = path.join(ROOT, 'apps', app);
  if (!fs.existsSync(path.join(dir, 'node_modules'))) {
    console.error(`${app}: not installed (node scripts/corpus-setup.mjs --only ${app} --node-only); skipped`);
    continue;
  }
  const out = path.join(outDir, `${app}.json`);
  if (summarizeOnly) {
    if (fs.existsSync(out)) results.push({ ...JSON.parse(fs.readFileSync(out, 'utf8')), app });
    continue;
  }
  console.error(`${app}: compare --runs ${runs} …`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/faaslight.js'), 'compare', dir, '--runs', runs, '--out', out, '--quiet', ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  process.stderr.write(r.stdout);
  if (!fs.existsSync(out)) {
    console.error(`${app}: compare failed (exit ${r.status}): ${r.stderr.split('\n').slice(-5).join('\n')}`);
    continue;
  }
  results.push({ ...JSON.parse(fs.readFileSync(out, 'utf8')), app });
}

const med = (v) => v?.e2eMs?.median;
const cell = (v) => (!v ? '-' : !v.built ? 'build failed' : `${med(v) === undefined ? '-' : Math.round(med(v))}${v.works ? '' : ' (differs)'}`);
const names = [...new Set(results.flatMap((r) => r.variants.map((v) => v.name)))];
const header = ['app', ...names.map((n) => results[0].variants.find((v) => v.name === n).label.split(' ')[0] + ' ' + n), 'd same', 'best', 'd/best', 'lazy'];
const rows = results.map((r) => {
  const by = Object.fromEntries(r.variants.map((v) => [v.name, v]));
  const d = by.bundle;
  return [r.app, ...names.map((n) => cell(by[n])), `${d.identical}/${r.events.length}`, r.best ?? '-', r.bundleVsBest ?? '-', r.lazyImports];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
const line = (row) => row.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`median end-to-end cold start (ms), ${runs} interleaved rounds per app, events cycled`);
console.log(line(header));
for (const row of rows) console.log(line(row));

const counted = results.filter((r) => r.lazyImports > 0 && typeof r.bundleVsBest === 'number');
const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
if (counted.length)
  console.log(
    `geometric mean (d)/best-of-(a,b) over ${counted.length} apps with a dependency unused at init (${counted.map((r) => r.app).join(', ')}): ${geo(counted.map((r) => r.bundleVsBest)).toFixed(3)}`,
  );
const all = results.filter((r) => typeof r.bundleVsBest === 'number');
if (all.length)
  console.log(
    `geometric mean over all ${all.length} apps: ${geo(all.map((r) => r.bundleVsBest)).toFixed(3)}; worst: ${Math.max(...all.map((r) => r.bundleVsBest))}`,
  );
// Extra variants (--extra): the same ratio, over the same apps, for each.
const best = (r) => r.variants.find((v) => v.name === r.best);
for (const name of names.filter((n) => !['original', 'esbuild', 'lazy', 'bundle'].includes(n))) {
  const ratio = (r) => {
    const v = r.variants.find((x) => x.name === name);
    return v?.works && med(v) !== undefined && best(r) ? med(v) / med(best(r)) : undefined;
  };
  const xs = counted.map(ratio).filter((x) => x !== undefined);
  const ys = all.map(ratio).filter((x) => x !== undefined);
  if (xs.length)
    console.log(
      `${name}: geometric mean over the ${xs.length} apps with a dependency unused at init ${geo(xs).toFixed(3)}, over ${ys.length} apps ${geo(ys).toFixed(3)}; worst ${Math.max(...ys).toFixed(3)}`,
    );
}
console.log(`(d) identical on every event: ${results.filter((r) => r.variants.find((v) => v.name === 'bundle').works).length}/${results.length} apps`);
fs.writeFileSync(path.join(outDir, 'summary.txt'), [line(header), ...rows.map(line)].join('\n') + '\n');
